//! Names, as the generated code spells them: a schema's Rust type name, and a field's name
//! on the wire (its serde rename). Every pass reads names through here, so that the passes
//! depend on the model and on this module, not on one another.

use syn::{Attribute, Field, Ident};

/// The name typify gives a component schema.
pub fn rust_type_name(schema: &str) -> String {
    use heck::ToPascalCase;
    schema.replace('\'', "").to_pascal_case()
}

/// The options of every `#[serde(...)]` attribute, as `name`, or `name=value` for the
/// string value every serde option with a value takes.
pub fn serde_options(attrs: &[Attribute]) -> syn::Result<Vec<String>> {
    let mut options = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                options.push(format!("{name}={}", lit.value()));
            } else {
                options.push(name);
            }
            Ok(())
        })?;
    }
    Ok(options)
}

/// The name a field has on the wire: its `#[serde(rename = "…")]`, else its own (without
/// a raw identifier's `r#`).
pub fn wire_name(field: &Field) -> syn::Result<String> {
    let renamed = serde_options(&field.attrs)?
        .into_iter()
        .find_map(|o| o.strip_prefix("rename=").map(str::to_owned));
    if let Some(renamed) = renamed {
        return Ok(renamed);
    }
    let ident = field.ident.as_ref().ok_or_else(|| {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "a generated struct has an unnamed field",
        )
    })?;
    let ident = ident.to_string();
    Ok(ident.strip_prefix("r#").unwrap_or(&ident).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_typify() {
        assert_eq!(rust_type_name("HTTPValidationError"), "HttpValidationError");
        assert_eq!(rust_type_name("McpServer"), "McpServer");
    }

    #[test]
    fn wire_names_follow_serde_renames() {
        let s: syn::ItemStruct = syn::parse_quote! {
            struct S { #[serde(rename = "type")] type_: String, r#ref: String, plain: u8 }
        };
        let names: Vec<String> = s
            .fields
            .iter()
            .map(|f| wire_name(f).expect("named"))
            .collect();
        assert_eq!(names, ["type", "ref", "plain"]);
    }
}
