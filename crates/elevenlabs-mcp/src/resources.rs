//! The API's operations, grouped as the vendor's SDKs group them:
//! `client.mcp_servers()` and, below one server, `tools`, `approval_policy`,
//! `tool_approvals` and `tool_configs`.
//!
//! Each method only describes its call (checking the input and encoding the path); the
//! shared pipeline sends it when the returned [`Pending`] is awaited.

use bytes::Bytes;
use elevenlabs_mcp_raw::check::{Check, FieldPath};
use elevenlabs_mcp_raw::operations::Endpoint;
use elevenlabs_mcp_raw::operations::endpoints::{
    McpServersApprovalPolicyUpdate, McpServersCreate, McpServersDelete, McpServersGet,
    McpServersList, McpServersToolApprovalsCreate, McpServersToolApprovalsDelete,
    McpServersToolConfigsCreate, McpServersToolConfigsDelete, McpServersToolConfigsGet,
    McpServersToolConfigsUpdate, McpServersToolsList, McpServersUpdate,
};
use reqwest::Method;

use crate::client::Client;
use crate::errors::{Error, decode};
use crate::path::expand;
use crate::pending::{AfterGone, Pending, WithEnvironment};
use crate::pipeline::Call;
use crate::types::{
    ApprovalPolicy, ApprovalPolicyUpdate, McpServer, McpServerConfig, McpServerCreateRequest,
    McpServerList, McpServerUpdate, ToolApproval, ToolConfigOverride, ToolConfigOverrideCreate,
    ToolConfigOverrideUpdate, ToolList,
};

/// Describes one call of `E`: the path from the operation table with `args` checked and
/// encoded, and the body checked against the spec's rules, then serialised.
fn describe<E: Endpoint>(args: &[&str], body: Option<&E::Body>) -> Result<Call, Error>
where
    E::Body: Check,
{
    let operation = E::OPERATION;
    let path = expand(operation, args)?;
    let body = match body {
        Some(body) => {
            body.check(&mut FieldPath::root())?;
            // Serialising our own request types cannot fail (string keys, no non-finite
            // floats), but the error is kept rather than unwrapped.
            let bytes = serde_json::to_vec(body)
                .map_err(|e| Error::invalid_input("body", e.to_string()))?;
            Some(Bytes::from(bytes))
        }
        None => None,
    };
    let method = Method::from_bytes(operation.method().as_bytes())
        .map_err(|e| Error::invalid_input("method", e.to_string()))?;
    Ok(Call {
        operation,
        method,
        path,
        query: Vec::new(),
        body,
    })
}

/// After a delete below a server that was retried and answered 404: read the server, which
/// is what the delete would have answered. Should the server itself be gone, that read
/// answers 404 and the caller sees it.
fn refetch_server(id: &str) -> AfterGone {
    AfterGone::Refetch(describe::<McpServersGet>(&[id], None))
}

/// A call of `E` that resolves to its response type.
fn typed<E: Endpoint, M>(
    client: &Client,
    args: &[&str],
    body: Option<E::Body>,
) -> Pending<E::Response, M>
where
    E::Body: Check,
    E::Response: Send + 'static,
{
    Pending::new(
        client,
        describe::<E>(args, body.as_ref()),
        decode::<E::Response>,
    )
}

impl Client {
    /// Sends any operation of the API by its [`Endpoint`] type, through the same pipeline
    /// as the named methods: `path` fills the path parameters in order
    /// ([`Operation::path_params`](crate::Operation::path_params)), `query` sets query
    /// parameters by their names in the spec, and the body is checked against the spec's
    /// rules before anything is sent. What command-line tools and generic code use; the
    /// named methods ([`mcp_servers`](Self::mcp_servers)) read better everywhere else.
    ///
    /// ```no_run
    /// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
    /// use elevenlabs_mcp::raw::operations::endpoints::McpServersToolsList;
    ///
    /// let tools = client
    ///     .call::<McpServersToolsList>(&["mcp_emu_000001"], &[("environment", "staging")], None)
    ///     .await?;
    /// # let _ = tools;
    /// # Ok(()) }
    /// ```
    ///
    /// A query parameter the operation does not have, or an empty value, is refused with
    /// [`Error::InvalidInput`] when the call is awaited.
    pub fn call<E: Endpoint>(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<E::Body>,
    ) -> Pending<E::Response>
    where
        E::Body: Check,
        E::Response: Send + 'static,
    {
        let call = describe::<E>(path, body.as_ref()).and_then(|mut call| {
            for (name, value) in query {
                call.set_query(name, (*value).to_owned())?;
            }
            Ok(call)
        });
        Pending::new(self, call, decode::<E::Response>)
    }
}

/// The workspace's MCP servers: `client.mcp_servers()`.
#[derive(Debug, Clone, Copy)]
pub struct McpServers<'c> {
    client: &'c Client,
}

impl<'c> McpServers<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the workspace's MCP servers (`GET /v1/convai/mcp-servers`).
    ///
    /// Resolves to the servers themselves; [`list_page`](Self::list_page) keeps the whole
    /// response.
    pub fn list(&self) -> Pending<Vec<McpServer>> {
        Pending::new(self.client, describe::<McpServersList>(&[], None), |body| {
            decode::<McpServerList>(body).map(|list| list.mcp_servers)
        })
    }

    /// Lists the workspace's MCP servers, keeping the response's envelope.
    pub fn list_page(&self) -> Pending<McpServerList> {
        typed::<McpServersList, _>(self.client, &[], None)
    }

    /// Registers a remote MCP server (`POST /v1/convai/mcp-servers`).
    ///
    /// The configuration is checked first against the spec's rules: a blank name, a URL
    /// that is not `https://`, or a `response_timeout_secs` outside 5–300 is refused with
    /// [`Error::InvalidInput`] naming the field (`config.url`). A
    /// create is not retried after a timeout or a 5xx (it may have been stored); see
    /// [`Pending::assume_idempotent`].
    ///
    /// ```no_run
    /// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
    /// use elevenlabs_mcp::{ApprovalPolicy, McpServerConfig, Transport};
    ///
    /// let server = client
    ///     .mcp_servers()
    ///     .create(
    ///         McpServerConfig::new("Docs search", "https://mcp.example.com/mcp")
    ///             .transport(Transport::StreamableHttp)
    ///             .approval_policy(ApprovalPolicy::RequireApprovalPerTool),
    ///     )
    ///     .await?;
    /// println!("created {}", server.id);
    /// # Ok(()) }
    /// ```
    pub fn create(&self, config: McpServerConfig) -> Pending<McpServer> {
        typed::<McpServersCreate, _>(self.client, &[], Some(McpServerCreateRequest::new(config)))
    }

    /// Fetches one server (`GET /v1/convai/mcp-servers/{mcp_server_id}`).
    pub fn get(&self, id: &str) -> Pending<McpServer> {
        typed::<McpServersGet, _>(self.client, &[id], None)
    }

    /// Changes a server's configuration (`PATCH /v1/convai/mcp-servers/{mcp_server_id}`):
    /// fields the update leaves alone are not sent, cleared ones are sent as `null`.
    ///
    /// ```no_run
    /// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
    /// use elevenlabs_mcp::McpServerUpdate;
    ///
    /// client
    ///     .mcp_servers()
    ///     .update("mcp_123", McpServerUpdate::new().response_timeout_secs(60).clear_secret_token())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: &str, update: McpServerUpdate) -> Pending<McpServer> {
        typed::<McpServersUpdate, _>(self.client, &[id], Some(update))
    }

    /// Deletes a server (`DELETE /v1/convai/mcp-servers/{mcp_server_id}`).
    ///
    /// Deleting is idempotent: when an attempt may have reached the service (it timed out,
    /// its connection broke, or it was answered 5xx) and the retry is answered 404, the
    /// delete happened on that attempt and the call succeeds. A 404 on the first attempt is
    /// still an error ([`Error::is_not_found`]).
    pub fn delete(&self, id: &str) -> Pending<()> {
        // The service answers with a body of no fixed shape; success is what matters.
        Pending::new(
            self.client,
            describe::<McpServersDelete>(&[id], None),
            |_| Ok(()),
        )
        .after_gone(AfterGone::Done)
    }

    /// The tools a server exposes.
    pub fn tools(&self, id: &str) -> Tools<'c> {
        Tools {
            client: self.client,
            id: id.to_owned(),
        }
    }

    /// A server's approval policy, through its own (deprecated) route.
    pub fn approval_policy(&self, id: &str) -> ApprovalPolicies<'c> {
        ApprovalPolicies {
            client: self.client,
            id: id.to_owned(),
        }
    }

    /// A server's per-tool approvals.
    pub fn tool_approvals(&self, id: &str) -> ToolApprovals<'c> {
        ToolApprovals {
            client: self.client,
            id: id.to_owned(),
        }
    }

    /// A server's per-tool configuration overrides.
    pub fn tool_configs(&self, id: &str) -> ToolConfigs<'c> {
        ToolConfigs {
            client: self.client,
            id: id.to_owned(),
        }
    }
}

/// The tools of one server: `client.mcp_servers().tools(id)`.
#[derive(Debug, Clone)]
pub struct Tools<'c> {
    client: &'c Client,
    id: String,
}

impl Tools<'_> {
    /// Lists the tools the server exposes (`GET …/{mcp_server_id}/tools`), asking the MCP
    /// server itself. [`ToolList::success`] is `false`, with `error_message` set, when the
    /// service could not reach it.
    ///
    /// ```no_run
    /// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
    /// let tools = client.mcp_servers().tools("mcp_123").list().environment("staging").await?;
    /// for tool in &tools.tools {
    ///     println!("{}", tool.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Pending<ToolList, WithEnvironment> {
        typed::<McpServersToolsList, _>(self.client, &[&self.id], None)
    }
}

/// The approval policy of one server: `client.mcp_servers().approval_policy(id)`.
#[derive(Debug, Clone)]
pub struct ApprovalPolicies<'c> {
    client: &'c Client,
    id: String,
}

impl ApprovalPolicies<'_> {
    /// Sets the server's approval policy
    /// (`PATCH …/{mcp_server_id}/approval-policy`).
    #[deprecated(
        note = "the service deprecates this route: use `mcp_servers().update(id, McpServerUpdate::new().approval_policy(…))`"
    )]
    pub fn update(&self, policy: ApprovalPolicy) -> Pending<McpServer> {
        typed::<McpServersApprovalPolicyUpdate, _>(
            self.client,
            &[&self.id],
            Some(ApprovalPolicyUpdate::new(policy)),
        )
    }
}

/// The tool approvals of one server: `client.mcp_servers().tool_approvals(id)`.
#[derive(Debug, Clone)]
pub struct ToolApprovals<'c> {
    client: &'c Client,
    id: String,
}

impl ToolApprovals<'_> {
    /// Records an approval for one tool (`POST …/{mcp_server_id}/tool-approvals`);
    /// resolves to the updated server.
    pub fn create(&self, approval: ToolApproval) -> Pending<McpServer> {
        typed::<McpServersToolApprovalsCreate, _>(self.client, &[&self.id], Some(approval))
    }

    /// Removes the approval of one tool
    /// (`DELETE …/{mcp_server_id}/tool-approvals/{tool_name}`); resolves to the updated
    /// server.
    ///
    /// Idempotent like [`McpServers::delete`]: a retry answered 404 after an attempt that
    /// may have been applied succeeds, with the server as it now is.
    pub fn delete(&self, tool_name: &str) -> Pending<McpServer> {
        typed::<McpServersToolApprovalsDelete, _>(self.client, &[&self.id, tool_name], None)
            .after_gone(refetch_server(&self.id))
    }
}

/// The per-tool overrides of one server: `client.mcp_servers().tool_configs(id)`.
#[derive(Debug, Clone)]
pub struct ToolConfigs<'c> {
    client: &'c Client,
    id: String,
}

impl ToolConfigs<'_> {
    /// Creates the override of one tool (`POST …/{mcp_server_id}/tool-configs`); resolves
    /// to the updated server. Answers 409 ([`Error::is_conflict`]) when the tool already has
    /// one.
    ///
    /// Takes the override itself ([`ToolConfigOverride::new`]) or the create body.
    pub fn create(
        &self,
        config: impl Into<ToolConfigOverrideCreate>,
    ) -> Pending<McpServer, WithEnvironment> {
        typed::<McpServersToolConfigsCreate, _>(self.client, &[&self.id], Some(config.into()))
    }

    /// Fetches the override of one tool (`GET …/{mcp_server_id}/tool-configs/{tool_name}`).
    /// Answers 404 ([`Error::is_not_found`]) when there is none.
    pub fn get(&self, tool_name: &str) -> Pending<ToolConfigOverride> {
        typed::<McpServersToolConfigsGet, _>(self.client, &[&self.id, tool_name], None)
    }

    /// Changes the override of one tool
    /// (`PATCH …/{mcp_server_id}/tool-configs/{tool_name}`); resolves to the updated
    /// server. Answers 404 when there is none.
    pub fn update(
        &self,
        tool_name: &str,
        update: ToolConfigOverrideUpdate,
    ) -> Pending<McpServer, WithEnvironment> {
        typed::<McpServersToolConfigsUpdate, _>(self.client, &[&self.id, tool_name], Some(update))
    }

    /// Removes the override of one tool
    /// (`DELETE …/{mcp_server_id}/tool-configs/{tool_name}`); resolves to the updated
    /// server.
    ///
    /// Idempotent like [`McpServers::delete`]: a retry answered 404 after an attempt that
    /// may have been applied succeeds, with the server as it now is.
    pub fn delete(&self, tool_name: &str) -> Pending<McpServer> {
        typed::<McpServersToolConfigsDelete, _>(self.client, &[&self.id, tool_name], None)
            .after_gone(refetch_server(&self.id))
    }
}
