//! Every Rust name graphgen writes is decided here, and only here.
//!
//! Names come from untrusted text (schema names, property names, enum values,
//! path segments). Each function returns a valid, lint-clean identifier made of
//! ASCII letters, digits and underscores; [`Namespace`] makes names unique
//! within one scope in a deterministic order.

use std::collections::HashSet;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers (strict and reserved keywords, all editions).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated modules use unqualified, and so may not define;
/// `D` and `S` are the type parameters of the (de)serializing functions that
/// the models and the runtime's macros expanded in them write.
pub const RESERVED_TYPES: &[&str] = &[
    "At",
    "Base64Bytes",
    "Box",
    "Call",
    "D",
    "DateTime",
    "Default",
    "Deserialize",
    "Deserializer",
    "GraphClient",
    "JsonObject",
    "Literal",
    "Map",
    "MapAccess",
    "Method",
    "Option",
    "Fit",
    "Flags",
    "FromJson",
    "Guid",
    "NaiveDate",
    "NaiveTime",
    "ODataType",
    "ObjectKey",
    "Numeric",
    "Page",
    "Patch",
    "PropertyName",
    "Removed",
    "RequestPath",
    "Result",
    "S",
    "Secret",
    "Self",
    "Serialize",
    "Serializer",
    "String",
    "Typed",
    "Utc",
    "Value",
    "Vec",
];

/// The prefix of Microsoft Graph's own namespace, left out of type names.
const GRAPH_NAMESPACE: &str = "microsoft.graph.";

/// Keeps ASCII letters and digits, turning everything else into word breaks.
fn words(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn ensure_start(name: String, fallback: &str, digit_prefix: &str) -> String {
    match name.chars().next() {
        None => fallback.to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{digit_prefix}{name}"),
        Some(_) => name,
    }
}

/// `UpperCamelCase`, for types and enum variants.
fn upper_camel(text: &str, fallback: &str) -> String {
    let name = ensure_start(words(text).to_upper_camel_case(), fallback, "N");
    if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

/// `snake_case`, for fields, methods and arguments.
fn snake(text: &str, fallback: &str) -> String {
    let name = ensure_start(words(text).to_snake_case(), fallback, "n");
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The crate name for an output directory named `dir`: lower-case words
/// joined by `-`, as Cargo names crates, so that the crate's name passes
/// `non_snake_case` (`GraphUsers` becomes `graph-users`).
pub fn crate_name(dir: &str) -> String {
    ensure_start(words(dir).to_kebab_case(), "graph", "graph-")
}

/// The type name for a schema, as a path below the models module: Graph's
/// own namespace is left out (`microsoft.graph.qrCode` becomes `QrCode`) and
/// the namespaces inside it become modules (`microsoft.graph.callRecords.session`
/// becomes `call_records::Session`). Other names are one type each.
pub fn type_name(schema: &str) -> String {
    let Some(inside) = schema.strip_prefix(GRAPH_NAMESPACE) else {
        return upper_camel(schema, "Schema");
    };
    let mut parts: Vec<&str> = inside.split('.').collect();
    let name = upper_camel(parts.pop().unwrap_or_default(), "Schema");
    let mut modules: Vec<String> = Vec::with_capacity(parts.len());
    for part in parts {
        let mut module = snake(part, "namespace");
        // A module named as the one holding it reads as a mistake (clippy's `module_inception`).
        if modules.last() == Some(&module) {
            module.push('_');
        }
        modules.push(module);
    }
    modules.into_iter().chain([name]).collect::<Vec<_>>().join("::")
}

/// The union variant holding a type: its path in one name
/// (`call_records::Session` becomes `CallRecordsSession`).
pub fn variant_for_type(path: &str) -> String {
    path.split("::").map(|part| part.to_upper_camel_case()).collect()
}

/// The simple name of a type path: `Session` for `call_records::Session`.
pub fn simple_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The module part of a type path: `call_records` for `call_records::Session`, `""` at the root.
pub fn module_of(path: &str) -> &str {
    path.rfind("::").map_or("", |at| &path[..at])
}

/// A type path with `prefix` before its simple name: `Any` and
/// `call_records::Session` give `call_records::AnySession`.
pub fn prefixed(prefix: &str, path: &str) -> String {
    match module_of(path) {
        "" => format!("{prefix}{path}"),
        module => format!("{module}::{prefix}{}", simple_name(path)),
    }
}

/// The type name of an inline schema, from the names that contain it; it
/// lives in the module of its parent.
pub fn nested_type_name(parent: &str, member: &str) -> String {
    format!("{parent}{}", upper_camel(member, "Value"))
}

/// The type name of an inline schema of a list's items.
pub fn item_type_name(list: &str) -> String {
    format!("{list}Item")
}

/// The last words that `names` (`UpperCamelCase`) all end with:
/// `TentativelyAcceptRequestBody` of `GroupEventTentativelyAcceptRequestBody`
/// and `UserEventInstanceTentativelyAcceptRequestBody`; all of the first name
/// when there is one.
pub fn shared_name<'n>(names: &[&'n str]) -> &'n str {
    let Some(first) = names.first() else { return "" };
    let starts = first
        .char_indices()
        .filter(|(at, c)| *at == 0 || c.is_ascii_uppercase())
        .map(|(at, _)| at);
    starts
        .map(|at| &first[at..])
        .find(|words| names.iter().all(|name| name.ends_with(words)))
        .unwrap_or(first)
}

/// The type name of an operation's inline request body or response
/// (`suffix`: `RequestBody`, `Response`), after its operation id or path.
pub fn body_type_name(operation: &str, suffix: &str) -> String {
    format!("{}{suffix}", type_name(operation))
}

/// How long a type name may be before a number that keeps it unique (60
/// characters with one below 100).
const TYPE_NAME_MAX: usize = 58;

/// The last words of an `UpperCamelCase` name that fit in `max` characters
/// (`ResumeRequestBody` of `TaskProcessingResultResumeRequestBody` for 17),
/// or its last word where even that is longer.
fn last_words(name: &str, max: usize) -> &str {
    let starts = name.char_indices().filter(|(at, c)| *at > 0 && c.is_ascii_uppercase());
    let mut rest = name;
    for (at, _) in starts {
        if rest.len() <= max {
            break;
        }
        rest = &name[at..];
    }
    rest
}

/// Type names, unique within each module of the models (and, at the root,
/// also unique against the request builders, which the client module imports
/// them beside).
#[derive(Debug)]
pub struct TypeNames {
    modules: std::collections::HashMap<String, Namespace>,
}

impl TypeNames {
    pub fn new() -> Self {
        Self {
            modules: std::collections::HashMap::new(),
        }
    }

    /// Claims `path` (for example `call_records::Session`) in its module.
    pub fn claim(&mut self, path: String) -> String {
        let module = module_of(&path).to_owned();
        let scope = self
            .modules
            .entry(module.clone())
            .or_insert_with(|| Namespace::with_reserved(RESERVED_TYPES));
        let name = scope.claim(last_words(simple_name(&path), TYPE_NAME_MAX).to_owned());
        if module.is_empty() {
            name
        } else {
            format!("{module}::{name}")
        }
    }

    /// Whether `path` is a name claimed already.
    pub fn taken(&self, path: &str) -> bool {
        self.modules
            .get(module_of(path))
            .is_some_and(|scope| scope.taken.contains(simple_name(path)))
    }

    /// Claims `path` as [`claim`](Self::claim) does, as a name that no module
    /// enclosing its own has either: a type there that code in this module
    /// names would otherwise be shadowed by it (`use super::*`). For names
    /// claimed after every type a description defines has been.
    pub fn claim_unshadowed(&mut self, path: String) -> String {
        loop {
            let claimed = self.claim(path.clone());
            let name = simple_name(&claimed);
            let mut module = module_of(&claimed);
            let mut shadows = false;
            while !module.is_empty() {
                module = module_of(module);
                shadows |= self.modules.get(module).is_some_and(|scope| scope.taken.contains(name));
            }
            if !shadows {
                return claimed;
            }
        }
    }
}

/// The field name for a JSON property: `@odata.type` becomes `odata_type`.
pub fn field_name(json: &str) -> String {
    snake(json, "field")
}

/// The variant name for an enum value: `unknownFutureValue` becomes `UnknownFutureValue`.
pub fn variant_name(value: &str) -> String {
    upper_camel(value, "Empty")
}

/// The name of the variant that keeps enum values the description does not list.
pub const UNRECOGNIZED_VARIANT: &str = "Unrecognized";

/// The name of the field that keeps properties the description does not list.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";

/// The word a path segment gives the names of request builders at and below
/// it: `qrCodePinMethod` gives `QrCodePinMethod`, a function segment
/// `microsoft.graph.reminderView(StartDateTime='{StartDateTime}')` its name and
/// parameters (`ReminderViewWithStartDateTime`), a parameter segment
/// `{mailFolder-id1}` the name of what it picks (`MailFolder`).
pub fn builder_word(segment: &str) -> String {
    if let Some(parameter) = segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
        return upper_words(parameter.split('-').next().unwrap_or(parameter));
    }
    match segment.split_once('(') {
        // A function or an alternate key: `ReminderViewWithStartDateTimeEndDateTime`.
        Some((name, arguments)) => {
            let parameters: String = arguments
                .split(',')
                .filter_map(|argument| argument.split_once('=').map(|(parameter, _)| upper_words(parameter)))
                .collect();
            let name = upper_words(name);
            match name.len() + parameters.len() + 4 > BUILDER_WORDS_MAX || parameters.is_empty() {
                true => name,
                false => format!("{name}With{parameters}"),
            }
        }
        None => upper_words(segment),
    }
}

fn upper_words(text: &str) -> String {
    words(&segment_words(text)).to_upper_camel_case()
}

/// How long the words of a request builder's name may be: with
/// `RequestBuilder` and a number that keeps it unique, at most 60 characters.
const BUILDER_WORDS_MAX: usize = 44;

/// The request builder type named by `words`, the words of its path from
/// the last it needs (see `url_tree.rs`): the last words that fit in 60
/// characters with `RequestBuilder`.
pub fn builder_name(words: &[String]) -> String {
    let mut start = 0;
    while start + 1 < words.len() && words[start..].iter().map(String::len).sum::<usize>() > BUILDER_WORDS_MAX {
        start += 1;
    }
    // Inside a longer name `Self` is no keyword, so the words are joined as they are.
    let joined: String = words[start..].concat();
    let mut name = last_words(&joined, BUILDER_WORDS_MAX).to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Root");
    }
    name.push_str("RequestBuilder");
    name
}

/// The method that steps into a fixed path segment: `qrCodePinMethod`
/// becomes `qr_code_pin_method`, `microsoft.graph.updatePin` becomes `update_pin`.
pub fn segment_method(segment: &str) -> String {
    let name = snake(&segment_words(segment), "segment");
    if TRAIT_METHODS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Methods of traits request builders have or that every value has: a
/// segment method of the same name would shadow it (`builder.clone()` for
/// the `microsoft.graph.clone` action), so it gets a `_` as a keyword does.
const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "fmt",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
    "to_owned",
    "to_string",
    "try_into",
    "type_id",
];

/// The method that steps into a parameter segment: `{user-id}` becomes `by_user_id`.
pub fn parameter_method(parameter: &str) -> String {
    // The `by_` prefix already keeps a keyword such as `type` from being one.
    let name = words(unnumbered(parameter)).to_snake_case();
    format!("by_{}", if name.is_empty() { "id" } else { &name })
}

/// The argument name of a parameter: `user-id` becomes `user_id`.
pub fn argument_name(parameter: &str) -> String {
    snake(unnumbered(parameter), "value")
}

/// A parameter's name without the number Microsoft's descriptions add to
/// tell it from a parameter of the same name higher in the path
/// (`mailFolder-id1`); the method taking it is on another builder.
fn unnumbered(parameter: &str) -> &str {
    let name = parameter.trim_end_matches(|c: char| c.is_ascii_digit());
    if name.is_empty() {
        parameter
    } else {
        name
    }
}

/// The method that sends an operation: `get`, `put`, `patch`, `post`, `delete`.
pub fn operation_method(http_method: &str) -> String {
    snake(http_method, "send")
}

/// The constant holding an operation's permissions, from its operationId.
pub fn permissions_const(operation_id: &str) -> String {
    let name = ensure_start(words(operation_id).to_shouty_snake_case(), "OPERATION", "N");
    if name == "SELF" {
        "SELF_".to_owned()
    } else {
        name
    }
}

fn segment_words(segment: &str) -> String {
    segment.strip_prefix(GRAPH_NAMESPACE).unwrap_or(segment).to_owned()
}

/// Names already given in one scope. Claiming a taken name appends `2`, `3`,
/// ... so names stay unique, and stay the same for the same order of claims.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
    /// For each base claimed more than once, the number to try next, so
    /// that claiming a name many times takes time linear in the claims.
    next: std::collections::HashMap<String, u32>,
}

impl Namespace {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|name| (*name).to_owned()).collect(),
            next: Default::default(),
        }
    }

    /// `base`, or the first of `base2`, `base3`, ... that is free.
    pub fn claim(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let next = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}{separator}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_methods_never_shadow_a_trait_method() {
        assert_eq!(segment_method("microsoft.graph.clone"), "clone_");
        assert_eq!(segment_method("microsoft.graph.cloneTeam"), "clone_team");
        assert_eq!(segment_method("members"), "members");
    }

    #[test]
    fn crate_names_are_lower_case_and_kebab() {
        assert_eq!(crate_name("GraphUsers"), "graph-users");
        assert_eq!(crate_name("beta-Bookings"), "beta-bookings");
        assert_eq!(crate_name("Identity.SignIns"), "identity-sign-ins");
        assert_eq!(crate_name("generated"), "generated");
        assert_eq!(crate_name("2024 crate"), "graph-2024-crate");
        assert_eq!(crate_name(".."), "graph");
    }

    #[test]
    fn graph_names_become_rust_names() {
        assert_eq!(
            type_name("microsoft.graph.qrCodePinAuthenticationMethod"),
            "QrCodePinAuthenticationMethod"
        );
        assert_eq!(
            type_name("microsoft.graph.callRecords.session"),
            "call_records::Session"
        );
        assert_eq!(type_name("microsoft.graph.a.b.type"), "a::b::Type");
        assert_eq!(type_name("microsoft.graph.a.a.x"), "a::a_::X");
        assert_eq!(prefixed("Any", "call_records::Session"), "call_records::AnySession");
        assert_eq!(
            nested_type_name("call_records::Session", "kind"),
            "call_records::SessionKind"
        );
        assert_eq!(field_name("@odata.type"), "odata_type");
        assert_eq!(field_name("standardQRCode"), "standard_qr_code");
        assert_eq!(field_name("request-id"), "request_id");
        assert_eq!(variant_name("unknownFutureValue"), "UnknownFutureValue");
        assert_eq!(segment_method("qrCodePinMethod"), "qr_code_pin_method");
        assert_eq!(segment_method("microsoft.graph.updatePin"), "update_pin");
        assert_eq!(parameter_method("user-id"), "by_user_id");
        assert_eq!(parameter_method("mailFolder-id1"), "by_mail_folder_id");
        assert_eq!(argument_name("mailFolder-id1"), "mail_folder_id");
        assert_eq!(
            permissions_const("users.authentication.GetQrCodePinMethod"),
            "USERS_AUTHENTICATION_GET_QR_CODE_PIN_METHOD"
        );
        assert_eq!(builder_word("qrCodePinMethod"), "QrCodePinMethod");
        assert_eq!(builder_word("{mailFolder-id1}"), "MailFolder");
        assert_eq!(
            builder_word("microsoft.graph.reminderView(StartDateTime='{StartDateTime}',EndDateTime='{EndDateTime}')"),
            "ReminderViewWithStartDateTimeEndDateTime"
        );
        assert_eq!(builder_word("applications(appId='{appId}')"), "ApplicationsWithAppId");
        assert_eq!(builder_word("microsoft.graph.incidentReport()"), "IncidentReport");
        assert_eq!(builder_word("$count"), "Count");
        assert_eq!(
            builder_name(&["User".into(), "Authentication".into()]),
            "UserAuthenticationRequestBuilder"
        );
        // The last words that fit: 60 characters at most, with a number to keep it unique.
        let deep: Vec<String> = [
            "AccessPackageResourceEnvironment",
            "AccessPackageResourceScope",
            "Resource",
            "Environment",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(builder_name(&deep), "ResourceEnvironmentRequestBuilder");
        assert_eq!(
            builder_name(&deep[1..3]),
            "AccessPackageResourceScopeResourceRequestBuilder"
        );
        // One word longer than that keeps its last words.
        assert_eq!(
            builder_name(&["GetSkypeForBusinessDeviceUsageDistributionUserCounts".into()]),
            "ForBusinessDeviceUsageDistributionUserCountsRequestBuilder"
        );
    }

    #[test]
    fn hostile_text_still_gives_identifiers() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "n1st");
        assert_eq!(field_name("*/\"]"), "field");
        assert_eq!(field_name("ünïcode"), "n_code");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(parameter_method("type"), "by_type");
        assert_eq!(builder_name(&[builder_word("self")]), "SelfRequestBuilder");
        assert_eq!(builder_name(&[builder_word("{1-id}")]), "Root1RequestBuilder");
        assert_eq!(variant_name("-INF"), "Inf");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(type_name("2fa"), "N2fa");
        for name in [field_name("a b"), variant_name("}; fn x() {"), type_name("x\"y")] {
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}");
        }
    }

    #[test]
    fn type_names_are_unique_per_module() {
        let mut names = TypeNames::new();
        assert_eq!(names.claim("Session".into()), "Session");
        assert_eq!(names.claim("call_records::Session".into()), "call_records::Session");
        assert_eq!(names.claim("call_records::Session".into()), "call_records::Session2");
        assert_eq!(
            names.claim("call_records::Value".into()),
            "call_records::Value2",
            "reserved in every module"
        );
        // At most 60 characters, a number included: the last words that fit.
        let long = "IdentityGovernanceLifecycleWorkflowDeletedItemWorkflowRunUserProcessingResultTaskProcessingResultResumeRequestBody";
        assert_eq!(
            names.claim(long.into()),
            "UserProcessingResultTaskProcessingResultResumeRequestBody"
        );
        assert_eq!(
            names.claim(long.into()),
            "UserProcessingResultTaskProcessingResultResumeRequestBody2"
        );
        let one_word = "a::Onewordthatgoesonandonandonandonandonandonandonandonandon";
        assert_eq!(names.claim(one_word.into()), one_word, "a word is never cut");
    }

    #[test]
    fn claims_are_unique_and_deterministic() {
        let mut scope = Namespace::with_reserved(&["additional_properties"]);
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar");
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar2");
        assert_eq!(scope.claim("additional_properties".into()), "additional_properties2");
        assert_eq!(scope.claim("v1".into()), "v1");
        assert_eq!(scope.claim("v1".into()), "v1_2");
    }
}
