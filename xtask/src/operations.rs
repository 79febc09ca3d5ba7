//! The operation table: one `Operation` variant per operationId, with its method, path
//! template, parameters and body types, and one `Endpoint` type per operation that ties the
//! request body to the response type at compile time. The client builds every request from
//! it and the emulator dispatches on it, so neither states a route by hand.

use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, Item, LitStr};

use crate::model::{self, Operation};
use crate::naming::rust_type_name;

/// The `operations` module for the spec's operations.
pub fn module(doc: &serde_json::Value) -> Result<Item> {
    let ops = model::operations(doc);
    if ops.is_empty() {
        bail!("the spec declares no operation with an operationId");
    }
    let variants: Vec<Ident> = ops.iter().map(variant).collect();
    let count = ops.len();
    let docs: Vec<LitStr> = ops
        .iter()
        .map(|o| lit(&format!(" {} (`{} {}`).", o.summary, o.method, o.path)))
        .collect();
    let deprecated_attrs: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            if o.deprecated {
                quote!(#[doc = ""] #[doc = " Deprecated by the service."])
            } else {
                quote!()
            }
        })
        .collect();
    let ids: Vec<LitStr> = ops.iter().map(|o| lit(&o.id)).collect();
    let methods: Vec<LitStr> = ops.iter().map(|o| lit(&o.method)).collect();
    let paths: Vec<LitStr> = ops.iter().map(|o| lit(&o.path)).collect();
    let path_params: Vec<TokenStream> = ops.iter().map(|o| lits(&o.path_params)).collect();
    let query_params: Vec<TokenStream> = ops.iter().map(|o| lits(&o.query_params)).collect();
    let deprecated: Vec<bool> = ops.iter().map(|o| o.deprecated).collect();
    let requests: Vec<TokenStream> = ops
        .iter()
        .map(|o| match &o.request {
            Some(r) => {
                let name = lit(&rust_type_name(r));
                quote!(::std::option::Option::Some(#name))
            }
            None => quote!(::std::option::Option::None),
        })
        .collect();
    let endpoints: Vec<TokenStream> = ops.iter().map(endpoint).collect();

    let module = quote! {
        /// The API's operations, generated from the spec: what each one is called, its
        /// method, path and parameters, and its body and response types.
        pub mod operations {
            use super::types;

            /// One operation of the API, named after the spec's operationId.
            ///
            /// ```
            /// use elevenlabs_mcp_raw::operations::Operation;
            ///
            /// let op: Operation = "mcp_servers_get".parse()?;
            /// assert_eq!(op.method(), "GET");
            /// assert_eq!(op.path_params(), ["mcp_server_id"]);
            /// assert!("mcp_servers_gte".parse::<Operation>().is_err());
            /// # Ok::<(), elevenlabs_mcp_raw::operations::UnknownOperation>(())
            /// ```
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum Operation {
                #(
                    #[doc = #docs]
                    #deprecated_attrs
                    #variants,
                )*
            }

            impl Operation {
                /// Every operation, in the spec's order.
                pub const ALL: [Operation; #count] = [#(Operation::#variants),*];

                /// The spec's operationId, such as `mcp_servers_get`.
                pub const fn id(self) -> &'static str {
                    match self { #(Operation::#variants => #ids,)* }
                }

                /// The HTTP method, upper case.
                pub const fn method(self) -> &'static str {
                    match self { #(Operation::#variants => #methods,)* }
                }

                /// The path template, with `{name}` for each path parameter.
                pub const fn path_template(self) -> &'static str {
                    match self { #(Operation::#variants => #paths,)* }
                }

                /// The path parameters, in the order they appear in the path.
                pub const fn path_params(self) -> &'static [&'static str] {
                    match self { #(Operation::#variants => #path_params,)* }
                }

                /// The query parameters the operation accepts.
                pub const fn query_params(self) -> &'static [&'static str] {
                    match self { #(Operation::#variants => #query_params,)* }
                }

                /// Whether the service has deprecated the operation.
                pub const fn deprecated(self) -> bool {
                    match self { #(Operation::#variants => #deprecated,)* }
                }

                /// The name of the request body's type in [`types`](super::types), if
                /// the operation takes a body.
                pub const fn request_type(self) -> ::std::option::Option<&'static str> {
                    match self { #(Operation::#variants => #requests,)* }
                }

                /// The operation whose operationId is `id`.
                pub fn from_id(id: &str) -> ::std::option::Option<Self> {
                    Self::ALL.into_iter().find(|op| op.id() == id)
                }
            }

            impl ::std::fmt::Display for Operation {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.id())
                }
            }

            impl ::std::str::FromStr for Operation {
                type Err = UnknownOperation;

                fn from_str(id: &str) -> ::std::result::Result<Self, Self::Err> {
                    Self::from_id(id).ok_or_else(|| UnknownOperation(id.to_owned()))
                }
            }

            /// A name that is not an operationId of the spec.
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct UnknownOperation(pub ::std::string::String);

            impl ::std::fmt::Display for UnknownOperation {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    write!(f, "`{}` is not an operation of the API; the operations are:", self.0)?;
                    for op in Operation::ALL {
                        write!(f, " {}", op.id())?;
                    }
                    Ok(())
                }
            }

            impl ::std::error::Error for UnknownOperation {}

            /// An operation as a type: what it sends and what it answers.
            pub trait Endpoint {
                /// The operation.
                const OPERATION: Operation;
                /// The JSON request body (`()` when there is none).
                type Body: ::serde::Serialize;
                /// The decoded 2xx response.
                type Response: ::serde::de::DeserializeOwned;
            }

            /// One type per operation, implementing [`Endpoint`].
            pub mod endpoints {
                use super::{Endpoint, Operation, types};
                #(#endpoints)*
            }
        }
    };
    Ok(syn::parse2(module)?)
}

fn endpoint(o: &Operation) -> TokenStream {
    let name = variant(o);
    let doc = lit(&format!(" `{}`: {}.", o.id, o.summary));
    let body = o.request.as_ref().map_or_else(
        || quote!(()),
        |r| {
            let ty = Ident::new(&rust_type_name(r), Span::call_site());
            quote!(types::#ty)
        },
    );
    let response = o.response.as_ref().map_or_else(
        || quote!(::serde_json::Value),
        |r| {
            let ty = Ident::new(&rust_type_name(r), Span::call_site());
            quote!(types::#ty)
        },
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #name;
        impl Endpoint for #name {
            const OPERATION: Operation = Operation::#name;
            type Body = #body;
            type Response = #response;
        }
    }
}

fn variant(o: &Operation) -> Ident {
    Ident::new(&o.id.to_upper_camel_case(), Span::call_site())
}

fn lit(s: &str) -> LitStr {
    LitStr::new(s, Span::call_site())
}

fn lits(items: &[String]) -> TokenStream {
    let items: Vec<LitStr> = items.iter().map(|s| lit(s)).collect();
    quote!(&[#(#items),*])
}
