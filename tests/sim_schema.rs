//! `schema/glimesh.graphql` is the emulator's own schema, and that schema is Glimesh's.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use async_graphql_parser::types::{TypeDefinition, TypeKind, TypeSystemDefinition};

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/glimesh.graphql");

#[test]
fn the_schema_file_is_the_emulators_export() {
    let exported = glimbot::sim::sdl();
    if std::env::var_os("BLESS_SIM_SCHEMA").is_some() {
        std::fs::write(SCHEMA_FILE, &exported).unwrap();
    }
    let file = std::fs::read_to_string(SCHEMA_FILE).unwrap();
    assert!(
        file == exported,
        "schema/glimesh.graphql differs from the emulator's schema; \
         run `BLESS_SIM_SCHEMA=1 cargo test --test sim_schema` to export it again"
    );
}

/// Field (or input field, or enum value) name → (type, arguments name → type).
type Shape = HashMap<String, (String, HashMap<String, String>)>;

fn shapes(sdl: &str) -> HashMap<String, Shape> {
    let document = async_graphql_parser::parse_schema(sdl).unwrap();
    let mut types = HashMap::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let TypeDefinition { name, kind, .. } = ty.node;
        let mut shape = Shape::new();
        match kind {
            TypeKind::Object(o) => add_fields(&mut shape, o.fields),
            TypeKind::Interface(i) => add_fields(&mut shape, i.fields),
            TypeKind::InputObject(i) => {
                for f in i.fields {
                    shape.insert(
                        f.node.name.node.to_string(),
                        (f.node.ty.node.to_string(), HashMap::new()),
                    );
                }
            }
            TypeKind::Enum(e) => {
                for v in e.values {
                    shape.insert(
                        v.node.value.node.to_string(),
                        (String::new(), HashMap::new()),
                    );
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
        types.insert(name.node.to_string(), shape);
    }
    types
}

fn add_fields(
    shape: &mut Shape,
    fields: Vec<async_graphql_parser::Positioned<async_graphql_parser::types::FieldDefinition>>,
) {
    for f in fields {
        let args = f
            .node
            .arguments
            .iter()
            .map(|a| (a.node.name.node.to_string(), a.node.ty.node.to_string()))
            .collect();
        shape.insert(
            f.node.name.node.to_string(),
            (f.node.ty.node.to_string(), args),
        );
    }
}

/// Every type, field and argument of ours exists in Glimesh's schema with the same type.
/// Glimesh's schema is not part of this repository; point `GLIMESH_REFERENCE_SCHEMA` at it.
#[test]
fn the_schema_is_a_subset_of_glimeshs() {
    let Some(reference) = std::env::var_os("GLIMESH_REFERENCE_SCHEMA") else {
        eprintln!("GLIMESH_REFERENCE_SCHEMA is not set; not comparing with Glimesh's schema");
        return;
    };
    let theirs = shapes(&std::fs::read_to_string(reference).unwrap());
    let ours = shapes(&std::fs::read_to_string(SCHEMA_FILE).unwrap());
    let mut differences = Vec::new();
    for (type_name, fields) in &ours {
        let Some(their_fields) = theirs.get(type_name) else {
            differences.push(format!("type {type_name} is not Glimesh's"));
            continue;
        };
        for (field, (ty, args)) in fields {
            match their_fields.get(field) {
                None => differences.push(format!("{type_name}.{field} is not Glimesh's")),
                Some((their_ty, _)) if their_ty != ty => {
                    differences.push(format!(
                        "{type_name}.{field} is {ty}, Glimesh's is {their_ty}"
                    ));
                }
                Some((_, their_args)) => {
                    for (arg, arg_ty) in args {
                        if their_args.get(arg) != Some(arg_ty) {
                            differences.push(format!(
                                "{type_name}.{field}({arg}: {arg_ty}) is not Glimesh's"
                            ));
                        }
                    }
                }
            }
        }
    }
    differences.sort();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
