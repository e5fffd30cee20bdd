//! What the API says to people, in their language: Simplified Chinese or English, chosen by the
//! request's `Accept-Language`.
//!
//! Every message a client can read (errors, `userErrors`, refusals, import reports) is a [`Message`]:
//! a key into the catalogues `api/locales/<language>/registry.ftl` (Fluent syntax, one per language)
//! with its arguments. It is put into words only when the answer is written, in the caller's
//! language, so the same stored message (an import report, say) reads right in either.
//!
//! Without `Accept-Language`, or when it names neither language, the answer is in English: clients
//! that send no header are programs (agency integrations, scripts, the CLI), whose logs and existing
//! behaviour English keeps stable, while every browser sends the header, so a bureau's staff using a
//! frontend read Chinese.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use serde::{Deserialize, Serialize};

static_loader! {
    static CATALOGUES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: the messages travel in JSON, not into a page.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the API answers in.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// English, the default.
    #[default]
    English,
    /// Simplified Chinese (`zh-CN`; also chosen for `zh`, `zh-Hans` and other Chinese tags).
    SimplifiedChinese,
}

/// The language identifiers of [`Language::ALL`], in the same order.
static IDENTIFIERS: [LanguageIdentifier; 2] = [langid!("en"), langid!("zh-CN")];

impl Language {
    /// Every language with a catalogue.
    pub const ALL: [Self; 2] = [Self::English, Self::SimplifiedChinese];

    /// The BCP 47 tag: the catalogue's folder name and the `Content-Language` of an answer.
    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::SimplifiedChinese => "zh-CN",
        }
    }

    fn identifier(self) -> &'static LanguageIdentifier {
        &IDENTIFIERS[self as usize]
    }

    /// The language to answer an `Accept-Language` header in: the first of the caller's languages
    /// (in the order sent, as browsers list them by preference) that we have, matched by Fluent's
    /// negotiation (`zh-Hans`, `zh` and `zh-SG` find `zh-CN`); English when none is ours.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let requested = fluent_langneg::parse_accepted_languages(accept_language.unwrap_or_default());
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            IDENTIFIERS.as_slice(),
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|found| {
                Self::ALL
                    .into_iter()
                    .find(|language| language.identifier() == *found)
            })
            .unwrap_or_default()
    }

    /// The language of a POSIX locale such as `zh_CN.UTF-8` (for the command line); English for
    /// `C`, `POSIX` or none.
    pub fn from_locale(locale: Option<&str>) -> Self {
        let tag = locale
            .and_then(|locale| locale.split(['.', '@']).next())
            .map(|tag| tag.replace('_', "-"));
        Self::negotiate(tag.as_deref())
    }

    /// The language of the operator's locale: `LC_ALL`, `LC_MESSAGES` or `LANG`, the first one set.
    pub fn of_locale() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()));
        Self::from_locale(locale.as_deref())
    }
}

/// Something to tell a person: a catalogue key and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredMessage")]
pub struct Message {
    key: Cow<'static, str>,
    args: Vec<(Cow<'static, str>, Arg)>,
}

/// An argument of a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Arg {
    /// Text shown as it is: a name, a code, a date.
    Text(String),
    /// A number, which a message may choose its words by (one objection, two objections).
    Number(i64),
    /// A message of its own, said in the same language.
    Message(Box<Message>),
}

impl Message {
    /// The message under `key` in the catalogues.
    pub fn new(key: &'static str) -> Self {
        Self {
            key: Cow::Borrowed(key),
            args: Vec::new(),
        }
    }

    /// The message with argument `name` (`{ $name }` in the catalogues) set to `value`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((Cow::Borrowed(name), value.into()));
        self
    }

    /// The message in words, in `language`.
    pub fn render(&self, language: Language) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = self
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => FluentValue::from(text.as_str()),
                    Arg::Number(number) => FluentValue::from(*number),
                    Arg::Message(message) => FluentValue::from(message.render(language)),
                };
                (name.clone(), value)
            })
            .collect();
        CATALOGUES
            .try_lookup_complete(language.identifier(), &self.key, Some(&args))
            .unwrap_or_else(|| {
                // The catalogue test keeps this from happening; if it does, the key still says what.
                tracing::error!(message.key = %self.key, "message missing from the catalogue");
                self.key.to_string()
            })
    }
}

/// `a or b or c`, said in the caller's language.
pub fn any_of<T: Into<Arg>>(values: impl IntoIterator<Item = T>) -> Arg {
    values
        .into_iter()
        .map(Into::into)
        .reduce(|first, second| {
            Message::new("either-or")
                .with("first", first)
                .with("second", second)
                .into()
        })
        .unwrap_or_else(|| Arg::Text(String::new()))
}

/// How a message is stored (in import reports): as written now, or, in reports written before
/// messages were translated, as plain English text, which is shown as it is.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredMessage {
    Keyed { key: String, args: Vec<(String, Arg)> },
    Text(String),
}

impl From<StoredMessage> for Message {
    fn from(stored: StoredMessage) -> Self {
        match stored {
            StoredMessage::Keyed { key, args } => Self {
                key: Cow::Owned(key),
                args: args
                    .into_iter()
                    .map(|(name, value)| (Cow::Owned(name), value))
                    .collect(),
            },
            StoredMessage::Text(text) => Self::new("verbatim").with("text", text),
        }
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl From<Message> for Arg {
    fn from(message: Message) -> Self {
        Self::Message(Box::new(message))
    }
}

impl From<chrono::NaiveDate> for Arg {
    fn from(date: chrono::NaiveDate) -> Self {
        Self::Text(date.to_string())
    }
}

/// Numbers of every width the registry counts in.
macro_rules! number_args {
    ($($number:ty),*) => {$(
        impl From<$number> for Arg {
            fn from(number: $number) -> Self {
                Self::Number(i64::try_from(number).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(i32, i64, u32, u64, usize);

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn accept_language_chooses_the_first_language_we_have() {
        let negotiate = |header| Language::negotiate(Some(header));
        assert_eq!(Language::negotiate(None), Language::English);
        assert_eq!(negotiate(""), Language::English);
        assert_eq!(negotiate("fr-FR, de;q=0.8"), Language::English);
        assert_eq!(negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Language::SimplifiedChinese);
        assert_eq!(negotiate("zh"), Language::SimplifiedChinese);
        assert_eq!(negotiate("zh-Hans"), Language::SimplifiedChinese);
        assert_eq!(negotiate("fr, zh-hans-cn;q=0.5"), Language::SimplifiedChinese);
        assert_eq!(negotiate("en-GB,zh-CN;q=0.5"), Language::English);
        assert_eq!(negotiate("*"), Language::English);
    }

    #[test]
    fn the_command_line_speaks_the_operators_locale() {
        assert_eq!(
            Language::from_locale(Some("zh_CN.UTF-8")),
            Language::SimplifiedChinese
        );
        assert_eq!(Language::from_locale(Some("zh_SG")), Language::SimplifiedChinese);
        assert_eq!(Language::from_locale(Some("en_US.UTF-8")), Language::English);
        assert_eq!(Language::from_locale(Some("C.UTF-8")), Language::English);
        assert_eq!(Language::from_locale(None), Language::English);
    }

    #[test]
    fn arguments_and_nested_messages_are_said_in_the_same_language() {
        let message = Message::new("value-too-long")
            .with("max", 200)
            .with("length", 201);
        assert_eq!(
            message.render(Language::English),
            "at most 200 characters, got 201"
        );
        assert_eq!(
            message.render(Language::SimplifiedChinese),
            "最多 200 个字符，实际为 201 个"
        );
    }

    /// Each message of a catalogue, by key, with the arguments it uses.
    fn catalogue(language: Language) -> BTreeMap<String, BTreeSet<String>> {
        use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

        fn inline(expression: &InlineExpression<&str>, found: &mut BTreeSet<String>) {
            match expression {
                InlineExpression::VariableReference { id } => {
                    found.insert(id.name.to_owned());
                }
                InlineExpression::Placeable { expression } => placeable(expression, found),
                _ => {}
            }
        }
        fn placeable(expression: &Expression<&str>, found: &mut BTreeSet<String>) {
            match expression {
                Expression::Inline(expression) => inline(expression, found),
                Expression::Select { selector, variants } => {
                    inline(selector, found);
                    for variant in variants {
                        pattern(&variant.value, found);
                    }
                }
            }
        }
        fn pattern(value: &Pattern<&str>, found: &mut BTreeSet<String>) {
            for element in &value.elements {
                if let PatternElement::Placeable { expression } = element {
                    placeable(expression, found);
                }
            }
        }

        let path = format!(
            "{}/locales/{}/registry.ftl",
            env!("CARGO_MANIFEST_DIR"),
            language.tag()
        );
        let source = std::fs::read_to_string(&path).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{path} does not parse: {errors:?}"));
        let mut messages = BTreeMap::new();
        for entry in &resource.body {
            match entry {
                Entry::Message(message) => {
                    let mut arguments = BTreeSet::new();
                    if let Some(value) = &message.value {
                        pattern(value, &mut arguments);
                    }
                    let earlier = messages.insert(message.id.name.to_owned(), arguments);
                    assert!(earlier.is_none(), "{path}: {} twice", message.id.name);
                }
                Entry::Junk { content } => panic!("{path}: cannot read {content:?}"),
                _ => {}
            }
        }
        messages
    }

    /// Every Rust source file of the crate, concatenated.
    fn sources() -> String {
        fn walk(dir: &std::path::Path, text: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, text);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    text.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut text = String::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut text,
        );
        text
    }

    #[test]
    fn every_message_is_in_both_languages_with_the_same_arguments() {
        let english = catalogue(Language::English);
        let chinese = catalogue(Language::SimplifiedChinese);
        let keys = |catalogue: &BTreeMap<String, BTreeSet<String>>| {
            catalogue.keys().cloned().collect::<BTreeSet<_>>()
        };
        let only_english: Vec<_> = keys(&english).difference(&keys(&chinese)).cloned().collect();
        let only_chinese: Vec<_> = keys(&chinese).difference(&keys(&english)).cloned().collect();
        assert!(only_english.is_empty(), "only in English: {only_english:?}");
        assert!(only_chinese.is_empty(), "only in Chinese: {only_chinese:?}");
        for (key, arguments) in &english {
            assert_eq!(Some(arguments), chinese.get(key), "the arguments of {key}");
        }
    }

    #[test]
    fn every_message_the_code_names_is_in_the_catalogue_and_every_one_there_is_used() {
        let english = catalogue(Language::English);
        let sources = sources();
        for used in sources.split("Message::new(\"").skip(1) {
            let key = used.split('"').next().unwrap_or_default();
            assert!(english.contains_key(key), "{key} is not in the catalogues");
        }
        for key in english.keys() {
            assert!(sources.contains(&format!("\"{key}\"")), "{key} is never used");
        }
    }

    #[test]
    fn a_message_survives_being_stored_and_read_back() {
        let message = Message::new("value-too-long")
            .with("max", 200)
            .with("length", 201);
        let stored = serde_json::to_string(&message).unwrap();
        let read: Message = serde_json::from_str(&stored).unwrap();
        assert_eq!(read, message);
        let old: Message = serde_json::from_str("\"no enterprise with this code is registered\"").unwrap();
        assert_eq!(
            old.render(Language::SimplifiedChinese),
            "no enterprise with this code is registered"
        );
    }
}
