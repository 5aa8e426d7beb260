//! The OpenAPI 3 document of the HTTP API, generated from the operation list.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Required,
    ResponseBuilder, ResponsesBuilder,
};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::{all, Access, Method};
use crate::api::ApiError;

pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut schemas: Vec<(String, RefOr<Schema>)> =
        vec![(ApiError::name().into(), ApiError::schema())];
    for op in all() {
        (op.types.schemas)(&mut schemas);
        let path_params = op.path_params();
        let input = (op.types.input_schema)();
        let mut b = OperationBuilder::new()
            .operation_id(Some(op.name))
            .summary(Some(op.summary))
            .tag(op.name.split('.').next().unwrap_or(op.name));
        for p in &path_params {
            b = b.parameter(
                ParameterBuilder::new()
                    .name(*p)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(i64::schema())),
            );
        }
        if op.method.has_body() {
            b = b.request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(input)).build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ));
        } else if let RefOr::T(Schema::Object(obj)) = &input {
            for (name, schema) in &obj.properties {
                if path_params.contains(&name.as_str()) {
                    continue;
                }
                b = b.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Query)
                        .required(if obj.required.contains(name) {
                            Required::True
                        } else {
                            Required::False
                        })
                        .schema(Some(schema.clone())),
                );
            }
        }
        let error = ResponseBuilder::new()
            .description("An error, in the request's language")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        "ApiError",
                    ))))
                    .build(),
            )
            .build();
        let mut responses = ResponsesBuilder::new().response(
            "200",
            ResponseBuilder::new().description("OK").content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some((op.types.output_schema)()))
                    .build(),
            ),
        );
        if op.access != Access::Public {
            b = b.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
            responses = responses.response("401", error.clone());
        }
        responses = responses.response("default", error);
        b = b.responses(responses.build());
        let method = match op.method {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Put => HttpMethod::Put,
        };
        paths = paths.path(op.path, PathItem::new(method, b.build()));
    }
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    // Only named object and enum types belong in components; `Vec<T>` and friends are inline.
    schemas.retain(|(name, _)| name.chars().all(|c| c.is_ascii_alphanumeric()));
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Huixiao 会销助手 API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Every operation of the app. Send `Authorization: Bearer TOKEN` (the token `huixiao serve` prints) and optionally `Accept-Language: zh-CN|en`."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}
