//! Domain value types, parsed once at the edge and carried typed.

pub mod identity_number;
pub mod region_code;
pub mod text;
pub mod uscc;

pub use region_code::RegionCode;
pub use uscc::Uscc;
