## Messages the API sends to English readers (see api/src/i18n.rs). Every key here is also in
## ../zh-CN/registry.ftl, with the same arguments; a test checks both.

## Input that does not fit, and what it names that does not exist (userErrors and BAD_USER_INPUT)

agreement-automatic-no-list = the agreement is AUTOMATIC: every credential of its scope counts, there is no list
agreement-party-missing = names a bureau that does not exist
agreement-scope-empty = name at least one credential kind
agreement-terminated = the agreement is TERMINATED
agreement-two-parties = an agreement needs at least two bureaus
agreement-until-after-from = must be after effectiveFrom
audit-until-after-from = must be after filter.from
brand-name-holder = name the enterprise that holds the brand
brand-regional-public-holder = a regional public brand is held by an association or government body, not an enterprise
bureau-code-format = 2 to 32 characters: A-Z, 0-9 and '-'
bureau-code-taken = this code is taken
capital-format = a whole number of yuan, not negative
enterprise-uscc-taken = an enterprise with this code is registered
gi-area-empty = name at least one region
gi-number-taken = an indication with this number is registered
holder-name-enterprise-or-region = name the enterprise, or for an industrial park its regionCode
id-invalid = not a valid ID
id-not-enterprise-or-person = not the ID of an Enterprise or a Person
import-key-too-long = at most 128 characters
import-send-multipart = send the file as a multipart upload
input-refers-to-missing = refers to a record that does not exist
listing-already-listed = the credential is listed already
listing-not-listed = the credential is not on the list
no-such-agreement = no such agreement
no-such-brand = no such brand
no-such-bureau = no such bureau
no-such-bureau-or-enterprise = no such bureau or enterprise
no-such-credential = no such credential
no-such-enterprise = no such enterprise
no-such-indication = no such indication
no-such-objection = no such objection
no-such-person = no such person
no-such-programme = no such programme
no-such-user = no such user
objection-notice-left = the credential left its public notice meanwhile
page-first-or-last = give either first or last, not both
password-too-short = at least 12 characters
proposal-active-exists = the holder already has an active credential of this kind (in progress or granted); renew or revoke it first
proposal-award-holder = an award goes to an enterprise or a person
proposal-award-year = an award belongs to a year
proposal-batch-needed = designations are announced in a numbered batch
proposal-certificate-taken = a certificate with this number exists
proposal-cqo-person = a chief quality officer is a person
proposal-employed-elsewhere = the person is employed elsewhere
proposal-level-needed = choose the level to grant at
proposal-name-park = name the park
proposal-name-product = name the product
proposal-outside-gi-area = the enterprise is registered outside the indication's protected area
reason-empty = say why
refusal-proposed-it = you proposed this credential; another reviewer decides it
refusal-raised-it = you raised this objection; another reviewer decides it
region-id-or-code = give exactly one of id and code
region-unknown = unknown region code
roles-empty = give at least one role
roles-empty-disable-instead = give at least one role; disable the user instead
user-bureau-or-enterprise = a user belongs to a bureau or an enterprise, not both
user-enterprise-role-for-enterprises = ENTERPRISE is for users of an enterprise
user-enterprise-role-only = an enterprise user holds only the ENTERPRISE role
user-own-roles = you cannot change your own roles
user-own-status = you cannot change your own status
user-roles-enterprise-mismatch = enterprise users hold only ENTERPRISE; staff never do
user-staff-need-bureau = staff belong to a bureau
username-format = 3 to 64 characters: a-z, 0-9, '-', '_' and '.'
username-taken = this username is taken
value-empty = must not be empty

## Errors (extensions.code and the message)

field-reason = { $field }: { $reason }
stale-version = someone changed this in the meantime: the current version is { $current }; reload and retry
too-many-sign-ins = too many failed sign-ins; try again in { $seconds } seconds
unavailable = the registry is busy; try again in a moment
internal-error = internal server error
duplicate-key = a record with the same key exists already

## Refusals of the access policy (extensions.reason)

region-code = region { $code }
no-region = no region
refusal-no-bureau = { $username } belongs to no bureau, so it acts in no region
refusal-role-for = { $what } is for a { $role }
refusal-jurisdiction = { $who } may { $what } only inside { $home } and below; { $region } lies outside its jurisdiction
refusal-competence-of-kind = { $who } ({ $bureauKind }) does not grant { $kind } credentials
refusal-competence = { $who } does not grant { $kind } credentials
refusal-propose-level = { $who } proposes credentials of its own level or nominates higher ones; { $level } is below it
refusal-decide-level = { $who } decides credentials of its own level; this one is { $level }, decided by a reviewer at that level
refusal-not-a-party = { $who } is not a party to this agreement
refusal-manage-user = { $who } manages the accounts of its own bureau and those below it, and of enterprises inside { $home }
refusal-manages-no-accounts = { $who } manages no accounts
refusal-grant-role = a bureau administrator does not grant or take away { $role }
refusal-operation-role = { $operation } is for { $roles }; { $username } does not hold that role
either-or = { $first } or { $second }
staff-of-a-bureau = staff of a bureau
act-propose-credentials = propose credentials
act-decide-credentials = decide credentials
act-register = register
act-register-brands = register brands
act-register-gis = register geographic indications
act-edit-enterprises = edit enterprises
act-list-credentials = list credentials
act-draft-step = a draft or submission's step
act-decide-credential = deciding a credential
sign-in-first = sign in first

## Agreements and their lists

agreement-wrong-state = the agreement is { $status }; this step needs { $needed }
agreement-not-retroactive = must be today ({ $today }) or later: recognition never changes retroactively
agreement-confirmed-already = your bureau confirmed it already, at { $at }
agreement-resume-before-suspension = the suspension applies from { $from }; it can be lifted from then on
listing-kind-not-covered = the agreement does not cover { $kind } credentials
listing-not-granted = the credential is { $status }; only granted ones are listed

## Values and pages

value-too-long = at most { $max } characters, got { $length }
region-code-unknown = unknown region code { $code }
region-code-format = '{ $code }' is not a 6-digit GB/T 2260 region code
brand-nice-class = { $class } is not a Nice class (1 to 45)
page-size-range = must be between 0 and { $max }, got { $got }
cursor-invalid = not a valid cursor
search-too-deep = search pages go at most { $max } hits deep; narrow the query or use a filtered list

## Announcements

url-not-http = must be an http:// or https:// address
announcement-in-future = an announcement is recorded once published: today ({ $today }) or earlier
announcement-number-taken = { $bureau } has an announcement with this number already
no-such-announcement = no such announcement
announcement-other-bureau = { $document } was issued by another bureau: only the granting bureau announces its credentials

## Exports

template-unknown = no such template; templates: { $kinds } (as `{kind}.csv`)

value-not-one-of = must be one of { $values }
export-list-unknown = no list named { $name }; lists: { $lists }
export-json-is-utf8 = JSON Lines are written in UTF-8 only; GB18030 is for CSV
export-filter-invalid = not a valid { $type }: { $reason }
export-parameter-unknown = unknown parameter; parameters: filter, format, encoding
exports-busy = as many exports as the registry runs at once are running; try again in a minute

## Codes: USCC (GB 32100) and resident identity numbers (GB 11643)

uscc-length = wrong length: a USCC has 18 characters, got { $length }
uscc-character = illegal character '{ $character }' at position { $position } (allowed: 0-9 and A-Z except I, O, S, V, Z)
uscc-region = characters 3-8 must be a 6-digit region code
check-character = check character should be { $expected }
identity-number-length = must be 18 characters, not { $length }
identity-number-digits = the first 17 characters must be digits

## Imports

import-header-missing = the header has no { $column } column
import-tier-unknown = unknown tier "{ $value }": SPECIALIZED_SME, LITTLE_GIANT, KEY_LITTLE_GIANT or INNOVATIVE_SME
import-year-invalid = "{ $value }" is not a year
import-edition-invalid = "{ $value }" is not an edition number
import-cell-empty = this column must be filled in
import-level-unknown = unknown level "{ $value }": NATIONAL, PROVINCIAL, PREFECTURAL or COUNTY (国家级, 省级, 市级, 县级)
import-green-kind-unknown = unknown green list "{ $value }": FACTORY, INDUSTRIAL_PARK, DESIGN_PRODUCT or SUPPLY_CHAIN (绿色工厂, 绿色园区, 绿色设计产品, 绿色供应链管理企业)
import-reference-unknown = nothing registered is called or numbered "{ $value }"
import-reference-ambiguous = "{ $value }" names { $count } records: give the registration number, code or trademark number
import-person-name-differs = the name differs from that of the person registered with this identity number
import-person-needs-employer = a person not yet registered needs the uscc of the employer
import-certificate-twice = the same certificate number appears twice in the file
import-uscc-unregistered = no enterprise with this code is registered
import-name-differs = the registered name is { $name }
import-no-bureau-above = no bureau at this level above yours to nominate to
import-row-twice = the same holder and credential appear twice in the file
import-designation-held = the holder already has this credential in progress or granted
import-row-unreadable = unreadable row: { $detail }
import-file-unreadable = cannot read the file: { $detail }
import-header-unreadable = cannot read the header: { $detail }
verbatim = { $text }

## Recognition verdicts (why a credential counts in a region, or not)

verdict-local-bureau = granted by a bureau of region { $granting }, whose jurisdiction includes { $region }
verdict-local-holder = the holder's region { $holder } lies within { $region }
verdict-not-in-force = not in force on { $date }: { $why }
verdict-agreement-lists = granted in { $holder } and recognised in { $region } on { $date } under 《{ $agreement }》, which lists it
verdict-agreement-covers = granted in { $holder } and recognised in { $region } on { $date } under 《{ $agreement }》, which covers every credential of its scope
verdict-outside = granted in { $holder }, outside { $region }
verdict-not-listed = { $outside }; 《{ $agreement }》 recognises only the credentials on its list, and this one is not listed on { $date }
verdict-kind-not-covered = { $outside }; 《{ $agreement }》 does not cover { $kind } credentials
verdict-no-agreement = { $outside }, and no agreement active on { $date } recognises credentials from there in { $region }
never-granted = it was never granted (it is { $status })
validity-begins = its validity begins on { $date }
revoked-on = it was revoked on { $date }
validity-ended = its validity ended on { $date }
credential-is = it is { $status }

## Credentials: their lifecycle, objections and programmes

credential-wrong-state = the credential is { $status }; { $operation } needs { $needed }
notice-not-ended = the public notice runs until { $ends }; grant from { $from } on (today is { $today })
renew-open-ended = it runs until revoked; there is nothing to renew
revoke-before-valid = cannot take effect before the credential was valid
revoke-after-end = the credential has ended by then; nothing to revoke
valid-until-after-from = must be after validFrom
objections-open = { $count ->
        [one] { $count } objection raised during the public notice is still open: uphold or dismiss it first
       *[other] { $count } objections raised during the public notice are still open: uphold or dismiss them first
    }
notice-start-past = a public notice cannot start in the past: start it today ({ $today }) or later
notice-too-short = a public notice of a { $kind } runs at least { $days } days: from { $starts } until { $earliest } or later
objection-outside-notice = objections are raised during the public notice, from { $starts } to { $ends }; today is { $today }
objection-not-on-notice = objections are raised only while a credential is on public notice
objection-decided = the objection was decided already ({ $status })
programme-cap-reached = the programme's { $year } edition already has its { $cap } winners

## Proposals

held-by-enterprise = { $what } is held by an enterprise
what-little-giant = a 专精特新 designation
what-green-listing = a green factory, design product or supply chain listing
what-brand-recognition = a brand recognition
what-gi-authorisation = an authorisation to use a GI mark
tier-prerequisite = a candidate for { $tier } must hold a valid { $required } designation
no-bureau-above-level = no bureau at level { $level } above yours to nominate to

## Signing in and tokens

bad-credentials = wrong username or password
credential-not-found = credential not found
too-many-codes = at most { $max } codes per request, got { $got }
too-many-ids = at most { $max } ids, got { $got }
id-wrong-type = not the ID of a { $type }

## Values that do not fit their type (BAD_USER_INPUT naming the argument)

format-date = a date as YYYY-MM-DD, for example 2026-03-01
format-date-time = a time in RFC 3339 with its offset, for example 2026-03-01T08:30:00Z
format-int = a whole number from -2147483648 to 2147483647
format-float = a number
format-string = a string
format-boolean = true or false
format-id = an id, as a string
format-json = a JSON value
format-upload = a file sent in a multipart request
expected-format = expected { $format }
expected-object = expected an object
expected-list = expected a list
expected-enum = expected one of the values of { $type }
unknown-input-field = unknown field "{ $field }"
input-field-required = field "{ $field }" is required

## Request limits

nested-too-deeply = nested too deeply: { $nesting } levels, at most { $max }
too-many-aliases = too many aliases: { $aliases }, at most { $max }
cost-allowance-spent = this document costs { $cost }, more than is left of the query-cost allowance; try again in { $seconds } seconds

## The HTTP edge: requests refused before GraphQL runs

http-not-acceptable = unsupported Accept
token-not-bearer = use the Bearer scheme: Authorization: Bearer <access token>
token-expired = the access token has expired; sign in again
token-invalid = invalid access token
account-disabled = the account is disabled or no longer exists
rate-limited = too many { $what } from this client; try again in { $seconds } seconds
meter-requests = requests
meter-query-cost = query cost
internal-error-request = internal server error (request { $request })
execution-timeout = the request took too long and was stopped
body-not-object = the request body must be a JSON object
parameter-not-object = { $name } must be an object or null
query-not-string = query must be a string
query-required = query is required
operation-name-not-string = operationName must be a string or null
query-string-malformed = malformed query string
parameter-not-json-object = { $name } must be a JSON object
mutation-needs-post = mutations must be sent with POST
persisted-query-not-found = PersistedQueryNotFound
persisted-hash-mismatch = extensions.persistedQuery.sha256Hash is not the SHA-256 of the query
persisted-version = only version 1 is supported
persisted-hash-format = sha256Hash must be 64 hexadecimal digits
body-timeout = the request body did not arrive in time (REGISTRY_BODY_TIMEOUT_MS)
body-unreadable = the request body could not be read: { $detail }
body-too-large = the request body is larger than REGISTRY_MAX_BODY_BYTES
body-not-json-media = send the request as application/json in UTF-8
body-not-json = the request body is not valid JSON: { $detail }
upload-timeout = the upload did not arrive in time (REGISTRY_UPLOAD_TIMEOUT_MS)
upload-no-boundary = the content type has no usable boundary: { $detail }
upload-imports-only = a multipart request carries the importCredentials mutation and nothing else
upload-map-invalid = map must be a JSON object of file names to variable paths: { $detail }
upload-part-unknown = the part '{ $name }' is neither operations, map nor a file
upload-too-many-files = at most { $max } file per request
upload-part-missing = the { $part } part is missing
upload-file-missing = map names the file '{ $name }', which the request does not carry
upload-part-too-large = the { $part } part is larger than REGISTRY_MAX_BODY_BYTES
upload-too-large = the upload is larger than REGISTRY_MAX_UPLOAD_BYTES
upload-malformed = malformed upload: { $detail }
upload-cannot-store = cannot store the file: { $detail }
