//! Stage 2: the checked, fully resolved description of what to generate.
//!
//! Everything here is plain data: `$ref`s are resolved, `allOf` chains are
//! flattened, every Rust name is decided. No `openapiv3` type leaves this
//! module, so the emitters never look at the input again.

mod delta;
mod docs;
mod extensions;
pub mod features;
mod filter;
mod merge;
mod operations;
pub mod properties;
mod recursion;
mod schemas;
mod secrets;
pub mod uploads;
mod url_tree;

pub use filter::PathFilter;

use std::collections::HashMap;

use crate::diagnostics::{pointer, Diagnostic, Report};
use crate::load::permissions::PermissionsFile;
use crate::load::SourceFile;
use crate::names;
use crate::shape::SchemaRef;

/// What the emitters turn into code.
#[derive(Debug, Default)]
pub struct Model {
    /// The crate's one-line title (the first file's `info.title`).
    pub title: String,
    /// The input files' names, for generated headers.
    pub sources: Vec<String>,
    /// Types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Request builders; index 0 is the service root, whose methods go on the client.
    pub builders: Vec<Builder>,
    /// Operations, sorted by path template and method.
    pub operations: Vec<Operation>,
    /// Cargo features that select parts of the crate, sorted; empty when the
    /// description has one part only. See [`features`].
    pub features: Vec<String>,
    /// What each feature of the manifest turns on; empty when the crate has
    /// no features.
    pub feature_table: FeatureTable,
    /// What is wrong in the descriptions but generates correct code all the
    /// same (Microsoft's own mistakes, schemas merged by adding to them).
    pub warnings: Vec<Diagnostic>,
    /// The types of schemas marked `x-graphgen-payload`, each with the file
    /// that defines it, whose module compiles it.
    pub payloads: Vec<(String, String)>,
    /// Made to be published on crates.io ([`features::publishable`]): module
    /// features only, a licence and the metadata crates.io and docs.rs read.
    pub publishable: bool,
}

impl Model {
    /// The struct named `name` (types are sorted by name).
    pub fn struct_def(&self, name: &str) -> Option<&StructDef> {
        let index = self.types.binary_search_by(|def| def.name().cmp(name)).ok()?;
        match &self.types[index] {
            TypeDef::Struct(def) => Some(def),
            _ => None,
        }
    }

    /// Whether a type or a module of types has the path `path` (`call_records::Session`, `call_records`).
    pub fn defines(&self, path: &str) -> bool {
        // Types are sorted by name, so the names starting with `path` are together.
        let at = self.types.partition_point(|def| def.name() < path);
        self.types[at..]
            .iter()
            .map(TypeDef::name)
            .take_while(|name| name.starts_with(path))
            .any(|name| name.len() == path.len() || name[path.len()..].starts_with("::"))
    }

    /// Whether cargo features can leave items out: matches over a union's
    /// variants need a wildcard arm, and imports may go unused.
    pub fn partial(&self) -> bool {
        !self.features.is_empty()
    }

    /// The model without cargo features, for code `include!`d into a crate
    /// that does not declare them: every part is compiled.
    pub fn without_features(mut self) -> Self {
        self.features.clear();
        self.feature_table = FeatureTable::default();
        features::gates(&mut self);
        self
    }
}

/// A set of cargo features.
pub type Features = std::collections::BTreeSet<String>;

/// The cargo features an item is compiled with: always, or when any of a set
/// is on. Decided in [`features`] for every item; emitters print it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gate(Option<Features>);

impl Gate {
    /// Compiled whatever features are on.
    pub const fn always() -> Self {
        Gate(None)
    }

    /// Compiled by no feature yet: the start of a [`join`](Self::join).
    pub fn never() -> Self {
        Gate(Some(Features::new()))
    }

    /// Compiled when `feature` is on.
    pub fn feature(feature: String) -> Self {
        Gate(Some(Features::from([feature])))
    }

    /// Compiled when this or `other` is.
    pub fn join(&mut self, other: &Gate) {
        match (&mut self.0, &other.0) {
            (Some(mine), Some(theirs)) => mine.extend(theirs.iter().cloned()),
            (mine, _) => *mine = None,
        }
    }

    /// The features any of which compiles the item; `None` when it always is.
    pub fn features(&self) -> Option<&Features> {
        self.0.as_ref()
    }

    /// This gate on an item inside one gated by `outer`: none when `outer` says it all.
    pub fn within(self, outer: Option<&Gate>) -> Gate {
        if outer == Some(&self) {
            Gate::always()
        } else {
            self
        }
    }
}

/// The manifest's features: `full` and what each module, part and type turns on.
#[derive(Debug, Default)]
pub struct FeatureTable {
    /// What `full` (the default) turns on: every part and every type.
    pub full: Vec<String>,
    /// Each module (the file it comes from) with its parts.
    pub modules: Vec<(String, Vec<String>)>,
    /// Each part of the API (its first tag) with the types its operations name.
    pub parts: Vec<(String, Vec<String>)>,
    /// Each type with the types it needs (navigation properties and derived types aside).
    pub types: Vec<(String, Vec<String>)>,
}

/// Text for a doc comment, one entry per line.
pub type Docs = Vec<String>;

/// A generated type.
#[derive(Debug)]
pub enum TypeDef {
    /// A JSON object.
    Struct(StructDef),
    /// A string enum.
    Enum(EnumDef),
    /// A base type and the types derived from it, told apart by `@odata.type`.
    Union(UnionDef),
}

impl TypeDef {
    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(def) => &def.name,
            TypeDef::Enum(def) => &def.name,
            TypeDef::Union(def) => &def.name,
        }
    }

    /// What compiles it.
    pub fn gate(&self) -> &Gate {
        match self {
            TypeDef::Struct(def) => &def.gate,
            TypeDef::Enum(def) => &def.gate,
            TypeDef::Union(def) => &def.gate,
        }
    }
}

/// A JSON object, with its `allOf` chain flattened into one set of fields.
#[derive(Debug)]
pub struct StructDef {
    pub name: String,
    pub docs: Docs,
    pub fields: Vec<Field>,
    /// The field that keeps unknown properties.
    pub additional_properties: String,
    /// Set when the object is a page of a collection (`value` and `@odata.nextLink`).
    pub page: Option<PageFields>,
    /// An entity type: it derives from `microsoft.graph.entity`.
    pub entity: bool,
    /// The `@odata.type` a derived type writes when its field is not set
    /// (`#microsoft.graph.emailAuthenticationMethod`).
    pub odata_type: Option<String>,
    /// It can hold a [`Type::Secret`], itself or in a type it names.
    pub holds_secrets: bool,
    /// The enum of its properties, for typed query options (`UserProperty`);
    /// none for a page or an object without properties to name.
    pub properties: Option<String>,
    pub gate: Gate,
}

/// The fields that make a struct a page of a collection.
#[derive(Debug)]
pub struct PageFields {
    /// The field holding `value`.
    pub items: String,
    /// The type of one item.
    pub item: Type,
    /// The field holding `@odata.nextLink`.
    pub next_link: String,
    /// The field holding `@odata.deltaLink`, on the pages of a delta query.
    pub delta_link: Option<String>,
}

/// One property of an object.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    /// The JSON name, exactly as in the description.
    pub json_name: String,
    pub ty: Type,
    /// Boxed because the field's type contains this struct again.
    pub boxed: bool,
    /// A navigation property: marked `x-ms-navigationProperty`, or a property
    /// of an entity type whose type is an entity type (OData allows those
    /// only as navigation properties, and the official descriptions leave the
    /// mark off single-valued ones). Graph sends it only when `$expand` asks
    /// for it, so it does not pull its type into a feature.
    pub navigation: bool,
    /// Its variant in the struct's [`StructDef::properties`] enum; none for
    /// control information (`@odata.type`).
    pub variant: Option<String>,
    pub docs: Docs,
    pub gate: Gate,
}

/// A string enum that keeps values it does not list.
#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    pub docs: Docs,
    pub variants: Vec<Variant>,
    /// The variant holding values the description does not list.
    pub unrecognized: String,
    pub gate: Gate,
}

/// A polymorphic type: one variant per concrete type, chosen by `@odata.type`.
#[derive(Debug)]
pub struct UnionDef {
    pub name: String,
    pub docs: Docs,
    pub variants: Vec<UnionVariant>,
    /// The variant keeping objects of a type the description does not know.
    pub unrecognized: String,
    /// A variant can hold a [`Type::Secret`].
    pub holds_secrets: bool,
    pub gate: Gate,
}

/// One concrete type of a union.
#[derive(Debug)]
pub struct UnionVariant {
    pub name: String,
    /// The `@odata.type` values that select it.
    pub tags: Vec<String>,
    /// Also selected when `@odata.type` is absent (the declared type).
    pub untagged: bool,
    /// The struct it holds.
    pub ty: String,
    pub gate: Gate,
}

/// One enum value.
#[derive(Debug)]
pub struct Variant {
    pub name: String,
    /// The value as Graph writes it.
    pub value: String,
}

/// The Rust type of a property or a response body. Properties are all
/// optional: Graph omits what `$select` leaves out and sends `null` where its
/// own metadata says it won't.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    /// A string that `Debug` must never print.
    Secret,
    Bool,
    U8,
    I16,
    I32,
    I64,
    F64,
    /// A number that may also be `NaN`, `INF` or `-INF`.
    Numeric,
    DateTime,
    Date,
    Time,
    Uuid,
    Bytes,
    /// A set of values of a flags enum, comma-joined in JSON.
    Flags(String),
    /// Any JSON value.
    Json,
    /// A generated type, by its Rust name.
    Named(String),
    /// `@removed`, the runtime's mark of an item a delta query removed.
    Removed,
    List(Box<Type>),
}

impl Type {
    /// The type itself, or of the items of a list (of lists).
    pub fn innermost(&self) -> &Type {
        match self {
            Type::List(item) => item.innermost(),
            other => other,
        }
    }
}

/// A node of the URL tree: a type with a method per child segment and per operation.
#[derive(Debug)]
pub struct Builder {
    pub name: String,
    /// The path template, for example `/users/{user-id}`.
    pub template: String,
    pub children: Vec<Child>,
    /// Indexes into [`Model::operations`].
    pub operations: Vec<usize>,
    /// The features of the operations at and below this node.
    pub gate: Gate,
}

/// A step from one builder to the next.
#[derive(Debug)]
pub struct Child {
    /// The method name, for example `authentication` or `by_user_id`.
    pub method: String,
    pub segment: Segment,
    /// Index into [`Model::builders`].
    pub builder: usize,
    pub docs: Docs,
    /// The method's own gate, beyond its impl block's.
    pub gate: Gate,
}

/// A path segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Fixed text, for example `authentication`.
    Fixed(String),
    /// A parameter: its name in the description and its argument name.
    Parameter { name: String, argument: String },
    /// Text with parameters inside, as OData functions and alternate keys
    /// are written: `microsoft.graph.reminderView(StartDateTime='{StartDateTime}')`.
    Template {
        text: String,
        /// Each parameter's name in the template and its argument name.
        parameters: Vec<(String, String)>,
    },
}

/// HTTP methods graphgen generates operations for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Patch,
    Delete,
}

impl HttpMethod {
    /// The runtime's marker of operations of this method (`options::Get`).
    pub fn marker(self) -> &'static str {
        match self {
            HttpMethod::Get => "Get",
            HttpMethod::Put => "Put",
            HttpMethod::Post => "Post",
            HttpMethod::Patch => "Patch",
            HttpMethod::Delete => "Delete",
        }
    }

    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// One operation.
#[derive(Debug)]
pub struct Operation {
    /// The operation's first tag (or, without one, its first path segment),
    /// which names the cargo feature it belongs to.
    pub group: String,
    /// For an action or function Microsoft tags by the entity set it starts
    /// from (`users.Actions`), the group of what it acts on, which also
    /// compiles it (decided in `features`).
    pub acts_on: Option<String>,
    /// The name of the file it comes from (`Mail.yml`): its module.
    pub module: String,
    /// A permissions reference was given and does not name the operation,
    /// which has no permissions of its own either.
    pub unlisted: bool,
    /// What compiles it, its parameters struct and its permissions constant.
    pub gate: Gate,
    /// Its methods' own gate, beyond their builder's.
    pub method_gate: Gate,
    /// The method on its builder, for example `get`.
    pub method_name: String,
    pub http_method: HttpMethod,
    pub template: String,
    pub operation_id: String,
    /// The summary and description.
    pub docs: Docs,
    /// The documentation page (`externalDocs`).
    pub doc_url: Option<String>,
    /// The success body.
    pub response: ResponseBody,
    /// The success answer's example from the description (compact JSON),
    /// which a test graph can answer with.
    pub example: Option<String>,
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// Query options and headers, in the description's order.
    pub parameters: Vec<Parameter>,
    /// The property enum of the items it answers with, which its typed query
    /// options take (see [`properties`]); none where they have none.
    pub properties: Option<String>,
    /// For a `createUploadSession`, what an upload to the session creates
    /// (see [`uploads`]).
    pub uploads: Option<Type>,
    pub permissions: Option<Permissions>,
    /// The constant holding [`Operation::permissions`].
    pub permissions_const: Option<String>,
    /// The national clouds it is available in (names from `x-graphgen-clouds`).
    pub clouds: Vec<Cloud>,
}

/// What a successful response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseBody {
    /// Nothing (204 No Content).
    Empty,
    /// JSON of this type.
    Json(Type),
    /// Raw bytes (`application/octet-stream` and other binary types).
    Bytes,
    /// A count in plain text (`$count`).
    Count,
    /// One reference, `{"@odata.id": ...}`, as `GET .../$ref` answers
    /// (the descriptions say a string).
    Reference,
    /// A page of references, as `GET .../$ref` of a collection answers
    /// (the descriptions say a page of strings).
    References,
}

/// What an operation sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// JSON of this type; a PATCH can also send explicit nulls.
    Json { ty: Type, patch: bool },
    /// Raw bytes of this content type.
    Bytes { content_type: String },
}

/// A query option or a header an operation accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// The name on the wire, for example `$select` or `ConsistencyLevel`.
    pub wire_name: String,
    /// How the operation's call takes it.
    pub takes: Takes,
    pub location: ParameterLocation,
    /// `String`, `Bool`, `I32`, `I64` or a list of those.
    pub ty: Type,
    pub docs: Docs,
}

/// How an operation's call takes a query option or header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Takes {
    /// A setter of the runtime's `Call`, there for the operations whose
    /// builder implements the setter's marker trait.
    Setter(crate::runtime::Setter),
    /// An argument of the operation's method, by this name: the parameter is required.
    Argument(String),
    /// By its name, with `Call::query` or `Call::header`, as the operation's docs say.
    ByName,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterLocation {
    Query,
    Header,
}

/// Permissions of one operation, least privileged first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    pub delegated_work: Option<Scopes>,
    pub delegated_personal: Option<Scopes>,
    pub application: Option<Scopes>,
    pub roles_for_other_users: Vec<String>,
}

/// Least and higher privileged permissions of one permission type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes {
    pub least: Vec<String>,
    pub higher: Vec<String>,
}

/// The national clouds, as named in `x-graphgen-clouds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Global,
    UsGovL4,
    UsGovL5Dod,
    China,
}

impl Cloud {
    pub const ALL: [(&'static str, Cloud); 4] = [
        ("global", Cloud::Global),
        ("usGovL4", Cloud::UsGovL4),
        ("usGovL5Dod", Cloud::UsGovL5Dod),
        ("china", Cloud::China),
    ];

    /// The variant of the runtime's `Cloud` enum.
    pub fn variant(self) -> &'static str {
        match self {
            Cloud::Global => "Global",
            Cloud::UsGovL4 => "UsGovL4",
            Cloud::UsGovL5Dod => "UsGovL5Dod",
            Cloud::China => "China",
        }
    }
}

/// A component schema and where it was defined.
pub(crate) struct Component<'a> {
    pub file: &'a SourceFile,
    pub pointer: String,
    pub schema: &'a SchemaRef,
}

/// Builds the model from loaded files, reporting every problem found.
pub fn build(files: &[SourceFile], filter: &PathFilter) -> Result<Model, Vec<Diagnostic>> {
    build_with(files, filter, None, Report::default())
}

/// [`build`], giving operations without permissions of their own those of
/// Microsoft's permissions reference (`--permissions`).
pub fn build_with(
    files: &[SourceFile],
    filter: &PathFilter,
    reference: Option<&PermissionsFile>,
    mut report: Report,
) -> Result<Model, Vec<Diagnostic>> {
    let merged = merge::differing(files, &mut report);
    let components = components(files, &merged);

    // Names are given to every component schema up front, in sorted order, so
    // a type's name never depends on which operations happen to use it.
    let mut type_names = names::TypeNames::new();
    let mut sorted: Vec<&str> = components.keys().copied().collect();
    sorted.sort_unstable();
    let named: HashMap<&str, String> = sorted
        .into_iter()
        .map(|schema| (schema, type_names.claim(names::type_name(schema))))
        .collect();

    let mut lowering = schemas::Lowering::new(&components, &named, type_names, report);
    let (operations, builders) = operations::build(files, filter, reference, &mut lowering);
    let payloads = lowering.lower_payloads();
    let (mut types, report, mut type_names) = lowering.finish();
    secrets::mark_holders(&mut types);
    let mut operations = operations;
    delta::mark_removed(&mut types);
    properties::assign(&mut types, &mut operations, &mut type_names);
    uploads::assign(&types, &mut operations, &builders);
    if !report.errors.is_empty() {
        return Err(report.errors);
    }
    let mut model = Model {
        title: title(files),
        sources: files.iter().map(SourceFile::file_name).collect(),
        types,
        builders,
        operations,
        features: Vec::new(),
        feature_table: FeatureTable::default(),
        warnings: report.warnings,
        payloads,
        publishable: false,
    };
    features::assign(&mut model);
    docs::complete(&mut model);
    Ok(model)
}

/// The crate's title: the description's, or what the descriptions hold
/// (`Microsoft Graph: Applications, Bookings, ...`), each title once and
/// without a `Microsoft Graph - ` of its own.
fn title(files: &[SourceFile]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for file in files {
        let title = file.document.info.title.as_str();
        if !titles.contains(&title) {
            titles.push(title);
        }
    }
    match titles.as_slice() {
        [] => String::new(),
        [title] => (*title).to_owned(),
        _ => {
            let parts: Vec<&str> = titles
                .iter()
                .map(|title| title.strip_prefix("Microsoft Graph - ").unwrap_or(title))
                .collect();
            format!("Microsoft Graph: {}", parts.join(", "))
        }
    }
}

/// Every component schema of every file, by name: the first file's
/// definition, or the merged one where definitions differ (`merge.rs`).
fn components<'a>(files: &'a [SourceFile], merged: &'a HashMap<String, SchemaRef>) -> HashMap<&'a str, Component<'a>> {
    let mut components: HashMap<&str, Component> = HashMap::new();
    for file in files {
        for (name, schema) in &file.schemas {
            components.entry(name).or_insert_with(|| Component {
                file,
                pointer: pointer("/components/schemas", &[name]),
                schema: merged.get(name).unwrap_or(schema),
            });
        }
    }
    components
}
