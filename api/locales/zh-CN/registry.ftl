## 发给中文读者的消息（见 api/src/i18n.rs）。这里的每个键也在 ../en/registry.ftl 中，参数相同；
## 有测试检查两者一致。

## Input that does not fit, and what it names that does not exist (userErrors and BAD_USER_INPUT)

agreement-automatic-no-list = 该协议为 AUTOMATIC（自动互认）：范围内的资质一律互认，没有名单
agreement-party-missing = 所列机关不存在
agreement-scope-empty = 请至少列出一种资质类别
agreement-terminated = 该协议已终止（TERMINATED）
agreement-two-parties = 协议至少需要两个机关
agreement-until-after-from = 必须晚于 effectiveFrom
audit-until-after-from = 必须晚于 filter.from
brand-name-holder = 请指明持有该品牌的企业
brand-regional-public-holder = 区域公用品牌由协会或政府机构持有，不能由企业持有
bureau-code-format = 2 至 32 个字符：A-Z、0-9 和 '-'
bureau-code-taken = 该代码已被使用
capital-format = 须为不小于零的整数（元）
enterprise-uscc-taken = 该统一社会信用代码的企业已登记
gi-area-empty = 请至少列出一个行政区划
gi-number-taken = 该登记号的地理标志已登记
holder-name-enterprise-or-region = 请指明企业；工业园区请给出其 regionCode
id-invalid = 不是有效的 ID
id-not-enterprise-or-person = 不是企业或人员的 ID
import-key-too-long = 最多 128 个字符
import-send-multipart = 请以 multipart 上传方式发送文件
input-refers-to-missing = 引用的记录不存在
listing-already-listed = 该资质已在名单上
listing-not-listed = 该资质不在名单上
no-such-agreement = 协议不存在
no-such-brand = 品牌不存在
no-such-bureau = 机关不存在
no-such-bureau-or-enterprise = 机关或企业不存在
no-such-credential = 资质不存在
no-such-enterprise = 企业不存在
no-such-indication = 地理标志不存在
no-such-objection = 异议不存在
no-such-person = 人员不存在
no-such-programme = 评选项目不存在
no-such-user = 用户不存在
objection-notice-left = 该资质已结束公示
page-first-or-last = first 和 last 只能给出其一
password-too-short = 至少 12 个字符
proposal-active-exists = 持有者已有同类有效资质（办理中或已授予）；请先续期或撤销
proposal-award-holder = 奖项授予企业或个人
proposal-award-year = 奖项须注明年度
proposal-batch-needed = 认定须以带编号的批次公布
proposal-certificate-taken = 该编号的证书已存在
proposal-cqo-person = 首席质量官须为个人
proposal-employed-elsewhere = 该人员受雇于其他企业
proposal-level-needed = 请选择授予的层级
proposal-name-park = 请填写园区名称
proposal-name-product = 请填写产品名称
proposal-outside-gi-area = 该企业的登记地不在该地理标志的保护范围内
reason-empty = 请说明理由
refusal-proposed-it = 该资质由你申报，须由另一名审核人员决定
refusal-raised-it = 该异议由你提出，须由另一名审核人员决定
region-id-or-code = id 和 code 须且只须给出其一
region-unknown = 行政区划代码不存在
roles-empty = 请至少给出一个角色
roles-empty-disable-instead = 请至少给出一个角色；如需停用，请停用该用户
user-bureau-or-enterprise = 用户属于机关或企业，不能同时属于两者
user-enterprise-role-for-enterprises = ENTERPRISE 角色仅限企业用户
user-enterprise-role-only = 企业用户只能持有 ENTERPRISE 角色
user-own-roles = 不能更改自己的角色
user-own-status = 不能更改自己的状态
user-roles-enterprise-mismatch = 企业用户只持有 ENTERPRISE 角色；工作人员不能持有
user-staff-need-bureau = 工作人员须属于某个机关
username-format = 3 至 64 个字符：a-z、0-9、'-'、'_' 和 '.'
username-taken = 该用户名已被使用
value-empty = 不能为空

## Errors (extensions.code and the message)

field-reason = { $field }：{ $reason }
stale-version = 此记录已被他人修改：当前版本为 { $current }；请重新加载后重试
too-many-sign-ins = 登录失败次数过多；请在 { $seconds } 秒后重试
unavailable = 登记系统繁忙；请稍后重试
internal-error = 服务器内部错误
duplicate-key = 已存在相同键的记录

## Refusals of the access policy (extensions.reason)

region-code = 行政区划 { $code }
no-region = 无所属区域
refusal-no-bureau = { $username } 不属于任何机关，因此不能在任何区域办理
refusal-role-for = { $what }须由 { $role } 角色办理
refusal-jurisdiction = { $who } 只能在{ $home } 及其下级区域{ $what }；{ $region } 不在其管辖范围内
refusal-competence-of-kind = { $who }（{ $bureauKind }）不授予 { $kind } 类资质
refusal-competence = { $who } 不授予 { $kind } 类资质
refusal-propose-level = { $who } 只能申报本级资质或向上级推荐；{ $level } 级低于本级
refusal-decide-level = { $who } 只决定本级资质；该资质为 { $level } 级，须由该级审核人员决定
refusal-not-a-party = { $who } 不是该协议的缔约方
refusal-manage-user = { $who } 管理本机关及下级机关的账户，以及{ $home } 内企业的账户
refusal-manages-no-accounts = { $who } 不管理任何账户
refusal-grant-role = 机关管理员不能授予或收回 { $role } 角色
refusal-operation-role = { $operation } 须由 { $roles } 办理；{ $username } 没有该角色
either-or = { $first } 或 { $second }
staff-of-a-bureau = 机关工作人员
act-propose-credentials = 申报资质
act-decide-credentials = 决定资质
act-register = 登记
act-register-brands = 登记品牌
act-register-gis = 登记地理标志
act-edit-enterprises = 修改企业信息
act-list-credentials = 将资质列入名单
act-draft-step = 草稿或申报的办理
act-decide-credential = 决定资质
sign-in-first = 请先登录

## Agreements and their lists

agreement-wrong-state = 该协议状态为 { $status }；此操作需要 { $needed } 状态
agreement-not-retroactive = 须为今天（{ $today }）或之后：互认从不追溯变更
agreement-confirmed-already = 本机关已于 { $at } 确认
agreement-resume-before-suspension = 暂停自 { $from } 起生效；只能从该日起解除
listing-kind-not-covered = 该协议不涵盖 { $kind } 类资质
listing-not-granted = 该资质状态为 { $status }；只有已授予的资质才能列入名单

## Values and pages

value-too-long = 最多 { $max } 个字符，实际为 { $length } 个
region-code-unknown = 行政区划代码 { $code } 不存在
region-code-format = '{ $code }' 不是 6 位 GB/T 2260 行政区划代码
brand-nice-class = { $class } 不是尼斯分类的类别（1 至 45）
page-size-range = 须在 0 至 { $max } 之间，实际为 { $got }
cursor-invalid = 不是有效的游标
search-too-deep = 搜索结果最多翻到第 { $max } 条；请缩小查询范围或使用带筛选的列表

## Announcements

url-not-http = 须为 http:// 或 https:// 地址
announcement-in-future = 公告发布后才能登记：须为今天（{ $today }）或之前
announcement-number-taken = { $bureau } 已有该文号的公告
no-such-announcement = 该公告不存在
announcement-other-bureau = { $document } 由其他机关发布：资质只能由授予机关的公告公布

## Exports

template-unknown = 没有该模板；可用模板：{ $kinds }（以 `{kind}.csv` 请求）

value-not-one-of = 须为以下之一：{ $values }
export-list-unknown = 没有名为 { $name } 的名单；可导出的名单：{ $lists }
export-json-is-utf8 = JSON Lines 只以 UTF-8 编码导出；GB18030 仅用于 CSV
export-filter-invalid = 不是有效的 { $type }：{ $reason }
export-parameter-unknown = 未知参数；可用参数：filter、format、encoding
exports-busy = 同时进行的导出已达上限，请一分钟后再试

## Codes: USCC (GB 32100) and resident identity numbers (GB 11643)

uscc-length = 长度错误：统一社会信用代码为 18 位，实际为 { $length } 位
uscc-character = 第 { $position } 位字符 '{ $character }' 不合法（允许 0-9 和除 I、O、S、V、Z 以外的 A-Z）
uscc-region = 第 3 至 8 位须为 6 位行政区划代码
check-character = 校验码应为 { $expected }
identity-number-length = 须为 18 位，实际为 { $length } 位
identity-number-digits = 前 17 位须为数字

## Imports

import-header-missing = 表头缺少 { $column } 列
import-tier-unknown = 未知梯度 "{ $value }"：应为 SPECIALIZED_SME、LITTLE_GIANT、KEY_LITTLE_GIANT 或 INNOVATIVE_SME
import-year-invalid = "{ $value }" 不是年份
import-edition-invalid = "{ $value }" 不是届次
import-cell-empty = 此列必须填写
import-level-unknown = 未知级别 "{ $value }"：应为 NATIONAL、PROVINCIAL、PREFECTURAL 或 COUNTY（国家级、省级、市级、县级）
import-green-kind-unknown = 未知绿色名单类别 "{ $value }"：应为 FACTORY、INDUSTRIAL_PARK、DESIGN_PRODUCT 或 SUPPLY_CHAIN（绿色工厂、绿色园区、绿色设计产品、绿色供应链管理企业）
import-reference-unknown = 未登记名称或编号为 "{ $value }" 的记录
import-reference-ambiguous = "{ $value }" 对应 { $count } 条记录：请填写登记号、代码或商标注册号
import-person-name-differs = 姓名与该身份证号已登记人员的姓名不一致
import-person-needs-employer = 尚未登记的人员须填写其工作单位的统一社会信用代码
import-certificate-twice = 同一证书编号在文件中出现两次
import-uscc-unregistered = 未登记该统一社会信用代码的企业
import-name-differs = 登记的名称为 { $name }
import-no-bureau-above = 本级以上没有可推荐的机关
import-row-twice = 同一持有者和资质在文件中出现两次
import-designation-held = 该持有者已有此资质（办理中或已授予）
import-row-unreadable = 无法读取该行：{ $detail }
import-file-unreadable = 无法读取文件：{ $detail }
import-header-unreadable = 无法读取表头：{ $detail }
verbatim = { $text }

## Recognition verdicts (why a credential counts in a region, or not)

verdict-local-bureau = 由行政区划 { $granting } 的机关授予，其管辖范围包括 { $region }
verdict-local-holder = 持有者所在区域 { $holder } 位于 { $region } 内
verdict-not-in-force = { $date } 时不在有效期内：{ $why }
verdict-agreement-lists = 在 { $holder } 授予，依《{ $agreement }》于 { $date } 在 { $region } 获得互认，该协议名单列有此资质
verdict-agreement-covers = 在 { $holder } 授予，依《{ $agreement }》于 { $date } 在 { $region } 获得互认，该协议涵盖其范围内的全部资质
verdict-outside = 在 { $holder } 授予，不在 { $region } 内
verdict-not-listed = { $outside }；《{ $agreement }》只互认名单上的资质，而此资质在 { $date } 不在名单上
verdict-kind-not-covered = { $outside }；《{ $agreement }》不涵盖 { $kind } 类资质
verdict-no-agreement = { $outside }，且 { $date } 没有有效协议在 { $region } 互认来自该地的资质
never-granted = 从未授予（当前状态为 { $status }）
validity-begins = 有效期自 { $date } 开始
revoked-on = 已于 { $date } 撤销
validity-ended = 有效期已于 { $date } 届满
credential-is = 当前状态为 { $status }

## Credentials: their lifecycle, objections and programmes

credential-wrong-state = 该资质状态为 { $status }；{ $operation } 需要 { $needed } 状态
notice-not-ended = 公示期至 { $ends } 结束；请于 { $from } 起授予（今天是 { $today }）
renew-open-ended = 该资质长期有效，直至撤销；无需续期
revoke-before-valid = 不能早于资质生效之日生效
revoke-after-end = 届时该资质已届满；无需撤销
valid-until-after-from = 必须晚于 validFrom
objections-open = 公示期间提出的 { $count } 件异议尚未处理：请先予以支持或驳回
notice-start-past = 公示不能从过去的日期开始：请从今天（{ $today }）或之后开始
notice-too-short = { $kind } 的公示期至少 { $days } 天：自 { $starts } 起，至 { $earliest } 或之后结束
objection-outside-notice = 异议须在公示期间（{ $starts } 至 { $ends }）提出；今天是 { $today }
objection-not-on-notice = 只能在资质公示期间提出异议
objection-decided = 该异议已有决定（{ $status }）
programme-cap-reached = 该评选项目 { $year } 年度已有 { $cap } 名获奖者

## Proposals

held-by-enterprise = { $what }须由企业持有
what-little-giant = 专精特新认定
what-green-listing = 绿色工厂、绿色设计产品或绿色供应链名单
what-brand-recognition = 品牌认定
what-gi-authorisation = 地理标志专用标志使用授权
tier-prerequisite = { $tier } 的候选企业须持有有效的 { $required } 认定
no-bureau-above-level = 本机关以上没有 { $level } 级的机关可供推荐

## Signing in and tokens

bad-credentials = 用户名或密码错误
credential-not-found = 未找到该资质
too-many-codes = 每次请求最多 { $max } 个代码，实际为 { $got } 个
too-many-ids = 最多 { $max } 个 ID，实际为 { $got } 个
id-wrong-type = 不是 { $type } 的 ID

## Values that do not fit their type (BAD_USER_INPUT naming the argument)

format-date = 日期，格式为 YYYY-MM-DD，例如 2026-03-01
format-date-time = RFC 3339 格式的时间（含时区偏移），例如 2026-03-01T08:30:00Z
format-int = -2147483648 至 2147483647 之间的整数
format-float = 数字
format-string = 字符串
format-boolean = true 或 false
format-id = 字符串形式的 ID
format-json = JSON 值
format-upload = 以 multipart 请求发送的文件
expected-format = 应为{ $format }
expected-object = 应为对象
expected-list = 应为列表
expected-enum = 应为 { $type } 的取值之一
unknown-input-field = 未知字段 "{ $field }"
input-field-required = 字段 "{ $field }" 为必填项

## Request limits

nested-too-deeply = 嵌套过深：{ $nesting } 层，最多 { $max } 层
too-many-aliases = 别名过多：{ $aliases } 个，最多 { $max } 个
cost-allowance-spent = 此查询文档的成本为 { $cost }，超过了剩余的查询成本额度；请在 { $seconds } 秒后重试

## The HTTP edge: requests refused before GraphQL runs

http-not-acceptable = 不支持所请求的 Accept 类型
token-not-bearer = 请使用 Bearer 方案：Authorization: Bearer <访问令牌>
token-expired = 访问令牌已过期；请重新登录
token-invalid = 访问令牌无效
account-disabled = 该账户已停用或已不存在
rate-limited = 此客户端的{ $what }过多；请在 { $seconds } 秒后重试
meter-requests = 请求
meter-query-cost = 查询成本
internal-error-request = 服务器内部错误（请求 { $request }）
execution-timeout = 请求耗时过长，已被停止
body-not-object = 请求体必须是 JSON 对象
parameter-not-object = { $name } 必须是对象或 null
query-not-string = query 必须是字符串
query-required = 缺少 query
operation-name-not-string = operationName 必须是字符串或 null
query-string-malformed = 查询字符串格式错误
parameter-not-json-object = { $name } 必须是 JSON 对象
mutation-needs-post = 变更操作（mutation）必须使用 POST 发送
persisted-query-not-found = PersistedQueryNotFound
persisted-hash-mismatch = extensions.persistedQuery.sha256Hash 不是该查询的 SHA-256 值
persisted-version = 只支持版本 1
persisted-hash-format = sha256Hash 必须是 64 位十六进制数字
body-timeout = 请求体未能按时到达（REGISTRY_BODY_TIMEOUT_MS）
body-unreadable = 无法读取请求体：{ $detail }
body-too-large = 请求体超过 REGISTRY_MAX_BODY_BYTES
body-not-json-media = 请以 UTF-8 编码的 application/json 发送请求
body-not-json = 请求体不是有效的 JSON：{ $detail }
upload-timeout = 上传未能按时到达（REGISTRY_UPLOAD_TIMEOUT_MS）
upload-no-boundary = Content-Type 中没有可用的 boundary：{ $detail }
upload-imports-only = multipart 请求只能包含 importCredentials 变更，不能包含其他内容
upload-map-invalid = map 必须是从文件名到变量路径的 JSON 对象：{ $detail }
upload-part-unknown = 部分 '{ $name }' 既不是 operations、map，也不是文件
upload-too-many-files = 每次请求最多 { $max } 个文件
upload-part-missing = 缺少 { $part } 部分
upload-file-missing = map 中列出的文件 '{ $name }' 未随请求发送
upload-part-too-large = { $part } 部分超过 REGISTRY_MAX_BODY_BYTES
upload-too-large = 上传内容超过 REGISTRY_MAX_UPLOAD_BYTES
upload-malformed = 上传格式错误：{ $detail }
upload-cannot-store = 无法保存文件：{ $detail }
