//! The named part of the demo data: bureaus, award programmes, brands and geographic indications from
//! DESIGN §1, and the word lists the generated enterprises are named from.

/// A bureau: code, name, kind, level, region, parent bureau code.
pub struct BureauSpec(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub Option<&'static str>,
);

pub const BUREAUS: &[BureauSpec] = &[
    BureauSpec(
        "MIIT",
        "中华人民共和国工业和信息化部",
        "INDUSTRY_IT",
        "NATIONAL",
        "000000",
        None,
    ),
    BureauSpec(
        "SAMR",
        "国家市场监督管理总局",
        "MARKET_REGULATION",
        "NATIONAL",
        "000000",
        None,
    ),
    BureauSpec("CNIPA", "国家知识产权局", "IP_OFFICE", "NATIONAL", "000000", None),
    BureauSpec(
        "MOA",
        "中华人民共和国农业农村部",
        "AGRICULTURE",
        "NATIONAL",
        "000000",
        None,
    ),
    BureauSpec(
        "MOHURD",
        "中华人民共和国住房和城乡建设部",
        "HOUSING_CONSTRUCTION",
        "NATIONAL",
        "000000",
        None,
    ),
    BureauSpec(
        "CQ-EIC",
        "重庆市经济和信息化委员会",
        "INDUSTRY_IT",
        "PROVINCIAL",
        "500000",
        Some("MIIT"),
    ),
    BureauSpec(
        "CQ-AMR",
        "重庆市市场监督管理局",
        "MARKET_REGULATION",
        "PROVINCIAL",
        "500000",
        Some("SAMR"),
    ),
    BureauSpec(
        "CQ-AGRI",
        "重庆市农业农村委员会",
        "AGRICULTURE",
        "PROVINCIAL",
        "500000",
        Some("MOA"),
    ),
    BureauSpec(
        "CQ-HC",
        "重庆市住房和城乡建设委员会",
        "HOUSING_CONSTRUCTION",
        "PROVINCIAL",
        "500000",
        Some("MOHURD"),
    ),
    BureauSpec(
        "CQ-IPO",
        "重庆市知识产权局",
        "IP_OFFICE",
        "PROVINCIAL",
        "500000",
        Some("CNIPA"),
    ),
    BureauSpec(
        "CQ-YZ-AMR",
        "重庆市渝中区市场监督管理局",
        "MARKET_REGULATION",
        "COUNTY",
        "500103",
        Some("CQ-AMR"),
    ),
    BureauSpec(
        "CQ-YB-AMR",
        "重庆市渝北区市场监督管理局",
        "MARKET_REGULATION",
        "COUNTY",
        "500112",
        Some("CQ-AMR"),
    ),
    BureauSpec(
        "SC-EIT",
        "四川省经济和信息化厅",
        "INDUSTRY_IT",
        "PROVINCIAL",
        "510000",
        Some("MIIT"),
    ),
    BureauSpec(
        "SC-AMR",
        "四川省市场监督管理局",
        "MARKET_REGULATION",
        "PROVINCIAL",
        "510000",
        Some("SAMR"),
    ),
    BureauSpec(
        "SC-CD-AMR",
        "成都市市场监督管理局",
        "MARKET_REGULATION",
        "PREFECTURAL",
        "510100",
        Some("SC-AMR"),
    ),
    BureauSpec(
        "SH-EIC",
        "上海市经济和信息化委员会",
        "INDUSTRY_IT",
        "PROVINCIAL",
        "310000",
        Some("MIIT"),
    ),
    BureauSpec(
        "SH-AMR",
        "上海市市场监督管理局",
        "MARKET_REGULATION",
        "PROVINCIAL",
        "310000",
        Some("SAMR"),
    ),
];

/// An award programme: code, name, level, region, awarding bureau, cap on winners per edition.
pub struct ProgramSpec(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub Option<i32>,
);

pub const PROGRAMS: &[ProgramSpec] = &[
    ProgramSpec(
        "CHINA_QUALITY_AWARD",
        "中国质量奖",
        "NATIONAL",
        "000000",
        "SAMR",
        Some(10),
    ),
    ProgramSpec(
        "CHINA_QUALITY_AWARD_NOMINATION",
        "中国质量奖提名奖",
        "NATIONAL",
        "000000",
        "SAMR",
        Some(90),
    ),
    ProgramSpec(
        "LUBAN_PRIZE",
        "中国建设工程鲁班奖",
        "NATIONAL",
        "000000",
        "MOHURD",
        None,
    ),
    ProgramSpec(
        "CQ_MAYOR_QUALITY",
        "重庆市市长质量管理奖",
        "PROVINCIAL",
        "500000",
        "CQ-AMR",
        None,
    ),
    ProgramSpec(
        "BAYU_CUP",
        "重庆市建设工程质量最高奖（巴渝杯）",
        "PROVINCIAL",
        "500000",
        "CQ-HC",
        None,
    ),
    ProgramSpec(
        "TIANFU_QUALITY",
        "天府质量奖",
        "PROVINCIAL",
        "510000",
        "SC-AMR",
        None,
    ),
    ProgramSpec(
        "SH_QUALITY_GOLD",
        "上海市质量金奖",
        "PROVINCIAL",
        "310000",
        "SH-AMR",
        None,
    ),
];

/// Chongqing's agricultural-product geographic indications that carry real names; the rest of the 70
/// are named from district and product.
pub const CQ_AGRICULTURAL_GIS: &[(&str, &str, &str)] = &[
    ("奉节脐橙", "500236", "水果"),
    ("巫山脆李", "500237", "水果"),
    ("江津花椒", "500116", "香料"),
    ("潼南柠檬", "500152", "水果"),
    ("永川秀芽", "500118", "茶叶"),
    ("石柱黄连", "500240", "药材"),
    ("城口老腊肉", "500229", "肉制品"),
    ("万州红桔", "500101", "水果"),
    ("梁平柚", "500155", "水果"),
    ("荣昌猪", "500153", "畜禽"),
    ("忠县柑橘", "500233", "水果"),
    ("开州春橙", "500154", "水果"),
    ("云阳红橙", "500235", "水果"),
    ("黔江猕猴桃", "500114", "水果"),
    ("秀山金银花", "500241", "药材"),
    ("酉阳青蒿", "500242", "药材"),
    ("南川方竹笋", "500119", "蔬菜"),
    ("巫溪洋芋", "500238", "蔬菜"),
    ("垫江白柚", "500231", "水果"),
    ("长寿沙田柚", "500115", "水果"),
    ("涪陵青菜头", "500102", "蔬菜"),
    ("大足冬菜", "500111", "蔬菜"),
];

/// Farm products the generated indications are named after.
pub const FARM_PRODUCTS: &[&str] = &[
    "蜂蜜", "核桃", "板栗", "魔芋", "香菇", "茶叶", "脆桃", "青梅", "山羊", "土鸡", "木耳", "红薯",
];

/// Industries the generated enterprise names are drawn from.
pub const TRADES: &[&str] = &[
    "精工",
    "智造",
    "新材料",
    "汽车零部件",
    "电子",
    "机电",
    "光电",
    "生物医药",
    "食品",
    "模具",
    "仪器仪表",
    "数控",
    "环保",
    "化工",
    "纺织",
    "包装",
    "五金",
    "软件",
    "通信",
    "能源",
];

/// Name stems for generated enterprises.
pub const STEMS: &[&str] = &[
    "宏达", "长江", "嘉陵", "山城", "华龙", "鑫源", "瑞丰", "金鼎", "永盛", "天宇", "恒通", "博创", "中科",
    "巴蜀", "渝新", "三峡", "锦程", "海川", "联合", "东方",
];

/// Legal-form endings for generated enterprise names.
pub const FORMS: &[&str] = &["科技有限公司", "制造有限公司", "股份有限公司", "实业有限公司"];

/// Green parks in Chongqing: national ones first.
pub const CQ_GREEN_PARKS: &[(&str, &str)] = &[
    ("重庆长寿经济技术开发区", "500115"),
    ("重庆永川高新技术产业开发区", "500118"),
    ("重庆璧山高新技术产业开发区", "500120"),
    ("重庆万州经济技术开发区", "500101"),
    ("重庆涪陵高新技术产业开发区", "500102"),
    ("重庆綦江工业园区", "500110"),
    ("重庆荣昌高新技术产业开发区", "500153"),
    ("重庆江津综合保税区", "500116"),
];

/// Chongqing districts and counties generated enterprises are registered in: code, short name.
pub const CQ_DISTRICTS: &[(&str, &str)] = &[
    ("500112", "渝北"),
    ("500107", "九龙坡"),
    ("500108", "南岸"),
    ("500106", "沙坪坝"),
    ("500105", "江北"),
    ("500103", "渝中"),
    ("500113", "巴南"),
    ("500109", "北碚"),
    ("500116", "江津"),
    ("500117", "合川"),
    ("500118", "永川"),
    ("500120", "璧山"),
    ("500102", "涪陵"),
    ("500101", "万州"),
    ("500115", "长寿"),
    ("500111", "大足"),
    ("500151", "铜梁"),
    ("500153", "荣昌"),
    ("500110", "綦江"),
    ("500152", "潼南"),
];

/// Sichuan regions generated enterprises are registered in: code, place name used in the company name.
pub const SC_REGIONS: &[(&str, &str)] = &[
    ("510107", "成都武侯"),
    ("510104", "成都锦江"),
    ("510116", "成都双流"),
    ("510117", "成都郫都"),
    ("510703", "绵阳"),
    ("511502", "宜宾"),
    ("510502", "泸州"),
    ("510600", "德阳"),
];

/// Shanghai districts generated enterprises are registered in.
pub const SH_DISTRICTS: &[(&str, &str)] = &[
    ("310115", "浦东"),
    ("310104", "徐汇"),
    ("310112", "闵行"),
    ("310106", "静安"),
    ("310114", "嘉定"),
];

/// Surnames and given names for generated persons.
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
];
pub const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "霞", "平", "建国", "海燕", "志强", "晓东",
];

/// Demo accounts, all with the password [`DEMO_PASSWORD`]: username, display name, bureau code (none for
/// the system administrator and the enterprise user), roles.
pub const USERS: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("sysadmin", "系统管理员", None, &["SYSTEM_ADMIN"]),
    (
        "samr-viewer",
        "国家市场监管总局查询员",
        Some("SAMR"),
        &["AGENCY_VIEWER"],
    ),
    (
        "samr-reviewer",
        "国家市场监管总局审核员",
        Some("SAMR"),
        &["REVIEWER"],
    ),
    (
        "miit-reviewer",
        "工业和信息化部审核员",
        Some("MIIT"),
        &["REVIEWER"],
    ),
    (
        "cq-amr-admin",
        "重庆市市场监管局管理员",
        Some("CQ-AMR"),
        &["BUREAU_ADMIN"],
    ),
    (
        "cq-amr-registrar",
        "重庆市市场监管局登记员",
        Some("CQ-AMR"),
        &["REGISTRAR"],
    ),
    (
        "cq-amr-reviewer",
        "重庆市市场监管局审核员",
        Some("CQ-AMR"),
        &["REVIEWER"],
    ),
    (
        "cq-amr-viewer",
        "重庆市市场监管局查询员",
        Some("CQ-AMR"),
        &["AGENCY_VIEWER"],
    ),
    (
        "cq-eic-admin",
        "重庆市经济信息委管理员",
        Some("CQ-EIC"),
        &["BUREAU_ADMIN"],
    ),
    (
        "cq-eic-registrar",
        "重庆市经济信息委登记员",
        Some("CQ-EIC"),
        &["REGISTRAR"],
    ),
    (
        "cq-eic-reviewer",
        "重庆市经济信息委审核员",
        Some("CQ-EIC"),
        &["REVIEWER"],
    ),
    (
        "cq-yz-registrar",
        "渝中区市场监管局登记员",
        Some("CQ-YZ-AMR"),
        &["REGISTRAR"],
    ),
    (
        "sc-amr-admin",
        "四川省市场监管局管理员",
        Some("SC-AMR"),
        &["BUREAU_ADMIN"],
    ),
    (
        "sc-amr-registrar",
        "四川省市场监管局登记员",
        Some("SC-AMR"),
        &["REGISTRAR"],
    ),
    (
        "sc-amr-reviewer",
        "四川省市场监管局审核员",
        Some("SC-AMR"),
        &["REVIEWER"],
    ),
    ("enterprise-user", "企业用户", None, &["ENTERPRISE"]),
];

/// The demo accounts' password.
pub const DEMO_PASSWORD: &str = "registry-demo";

/// argon2id hash of [`DEMO_PASSWORD`], computed once (`registry hash-password`) so seeding stays fast.
pub const DEMO_PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$Js7TdYH4Hx8uTEOwB+nhEg$RRLp7C0saOm7rs8SdnsggWXBu/zMp5SnXbyFmM7a2GU";
