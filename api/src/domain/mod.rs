//! Domain value types, parsed once at the edge and carried typed.

pub mod identity_number;
pub mod name_forms;
pub mod notice;
pub mod pinyin;
pub mod region_code;
pub mod text;
pub mod uscc;

pub use region_code::RegionCode;
pub use uscc::Uscc;

use entity::enums::Level;

/// Administrative levels from the top: national 0 … county 3.
pub fn rank(level: Level) -> u8 {
    match level {
        Level::National => 0,
        Level::Provincial => 1,
        Level::Prefectural => 2,
        Level::County => 3,
    }
}
