//! `createUploadSession` operations: their calls upload a file to the session
//! they create in one step (the runtime's `Call::upload`), giving the item
//! the upload creates, which this decides.

use super::{Builder, Operation, ResponseBody, Type, TypeDef};

/// Gives each operation that answers with an upload session (an object with
/// an `uploadUrl`) the type of what an upload to it creates: what a `GET` of
/// the path it acts on answers (a drive item, for
/// `.../items/{id}/createUploadSession`), or an item of that collection (an
/// attachment, for `.../attachments/createUploadSession`); any JSON where
/// the description has no such `GET`.
pub(super) fn assign(types: &[TypeDef], operations: &mut [Operation], builders: &[Builder]) {
    let mut parent = vec![None; builders.len()];
    for (index, builder) in builders.iter().enumerate() {
        for child in &builder.children {
            parent[child.builder] = Some(index);
        }
    }
    let mut created = vec![None; operations.len()];
    for (index, builder) in builders.iter().enumerate() {
        for &operation in &builder.operations {
            if !is_session(types, &operations[operation].response) {
                continue;
            }
            let item = parent[index]
                .and_then(|parent| read_type(types, operations, &builders[parent]))
                .unwrap_or(Type::Json);
            created[operation] = Some(item);
        }
    }
    for (operation, created) in operations.iter_mut().zip(created) {
        operation.uploads = created;
    }
}

/// Whether a response is an upload session: an object with an `uploadUrl`.
fn is_session(types: &[TypeDef], response: &ResponseBody) -> bool {
    let ResponseBody::Json(Type::Named(name)) = response else {
        return false;
    };
    match types.binary_search_by(|def| def.name().cmp(name)) {
        Ok(index) => match &types[index] {
            TypeDef::Struct(def) => def.fields.iter().any(|field| field.json_name == "uploadUrl"),
            _ => false,
        },
        Err(_) => false,
    }
}

/// What a `GET` of `builder` answers: the item, or an item of its pages.
fn read_type(types: &[TypeDef], operations: &[Operation], builder: &Builder) -> Option<Type> {
    let get = builder
        .operations
        .iter()
        .map(|&index| &operations[index])
        .find(|operation| operation.http_method == super::HttpMethod::Get)?;
    let ResponseBody::Json(ty) = &get.response else {
        return None;
    };
    let Type::Named(name) = ty else { return None };
    let index = types.binary_search_by(|def| def.name().cmp(name)).ok()?;
    match &types[index] {
        TypeDef::Struct(def) => Some(def.page.as_ref().map_or_else(|| ty.clone(), |page| page.item.clone())),
        _ => Some(ty.clone()),
    }
}
