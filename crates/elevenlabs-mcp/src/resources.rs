//! The API's operations, grouped as the vendor's SDKs group them:
//! `client.mcp_servers()` and, below one server, `tools`, `approval_policy`,
//! `tool_approvals` and `tool_configs`.
//!
//! Each method only describes its call (checking the input and encoding the path); the
//! shared pipeline sends it when the returned [`Pending`] is awaited.

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::errors::{Error, decode};
use crate::path::segment;
use crate::pending::{Pending, WithEnvironment};
use crate::pipeline::Call;
use crate::types::{
    ApprovalPolicy, ApprovalPolicyUpdate, McpServer, McpServerConfig, McpServerCreateRequest,
    McpServerList, ToolApproval, ToolConfigOverride, ToolConfigOverrideCreate, ToolList,
};
use crate::update::{McpServerUpdate, ToolConfigOverrideUpdate};
use crate::validate;

/// The collection every path starts from.
const MCP_SERVERS: &str = "/v1/convai/mcp-servers";

/// A call's body as JSON bytes. Serialising our own request types cannot fail (string
/// keys, no non-finite floats), but the error is kept rather than unwrapped.
fn json(body: &impl Serialize) -> Result<Bytes, Error> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| Error::invalid_input("body", e.to_string()))
}

fn call(operation: &'static str, method: Method, path: String, body: Option<Bytes>) -> Call {
    Call {
        operation,
        method,
        path,
        query: Vec::new(),
        body,
    }
}

fn typed<T: DeserializeOwned + Send + 'static, M>(
    client: &Client,
    call: Result<Call, Error>,
) -> Pending<T, M> {
    Pending::new(client, call, decode::<T>)
}

/// The path of one server, its id checked and encoded.
fn server_path(id: &str) -> Result<String, Error> {
    Ok(format!("{MCP_SERVERS}/{}", segment("mcp_server_id", id)?))
}

/// The path of one tool below a server's `collection`.
fn tool_path(id: &str, collection: &str, tool_name: &str) -> Result<String, Error> {
    Ok(format!(
        "{}/{collection}/{}",
        server_path(id)?,
        segment("tool_name", tool_name)?
    ))
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
        Pending::new(self.client, Ok(self.list_call()), |body| {
            decode::<McpServerList>(body).map(|list| list.mcp_servers)
        })
    }

    /// Lists the workspace's MCP servers, keeping the response's envelope.
    pub fn list_page(&self) -> Pending<McpServerList> {
        typed(self.client, Ok(self.list_call()))
    }

    fn list_call(&self) -> Call {
        call("mcp_servers_list", Method::GET, MCP_SERVERS.into(), None)
    }

    /// Registers a remote MCP server (`POST /v1/convai/mcp-servers`).
    ///
    /// The configuration is checked first: a blank name, a URL that is not `https://`, or a
    /// `response_timeout_secs` outside 5–300 is refused with [`Error::InvalidInput`]. A
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
        let built = validate::server_config(&config).and_then(|()| {
            let body = json(&McpServerCreateRequest { config })?;
            Ok(call(
                "mcp_servers_create",
                Method::POST,
                MCP_SERVERS.into(),
                Some(body),
            ))
        });
        typed(self.client, built)
    }

    /// Fetches one server (`GET /v1/convai/mcp-servers/{mcp_server_id}`).
    pub fn get(&self, id: &str) -> Pending<McpServer> {
        let built = server_path(id).map(|path| call("mcp_servers_get", Method::GET, path, None));
        typed(self.client, built)
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
        let built = validate::server_update(&update).and_then(|()| {
            Ok(call(
                "mcp_servers_update",
                Method::PATCH,
                server_path(id)?,
                Some(json(&update)?),
            ))
        });
        typed(self.client, built)
    }

    /// Deletes a server (`DELETE /v1/convai/mcp-servers/{mcp_server_id}`).
    pub fn delete(&self, id: &str) -> Pending<()> {
        let built =
            server_path(id).map(|path| call("mcp_servers_delete", Method::DELETE, path, None));
        // The service answers with a body of no fixed shape; success is what matters.
        Pending::new(self.client, built, |_| Ok(()))
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
        let built = server_path(&self.id).map(|p| {
            call(
                "mcp_servers_tools_list",
                Method::GET,
                format!("{p}/tools"),
                None,
            )
        });
        typed(self.client, built)
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
        let built = server_path(&self.id).and_then(|p| {
            Ok(call(
                "mcp_servers_approval_policy_update",
                Method::PATCH,
                format!("{p}/approval-policy"),
                Some(json(&ApprovalPolicyUpdate {
                    approval_policy: policy,
                })?),
            ))
        });
        typed(self.client, built)
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
        let built = validate::tool_approval(&approval).and_then(|()| {
            Ok(call(
                "mcp_servers_tool_approvals_create",
                Method::POST,
                format!("{}/tool-approvals", server_path(&self.id)?),
                Some(json(&approval)?),
            ))
        });
        typed(self.client, built)
    }

    /// Removes the approval of one tool
    /// (`DELETE …/{mcp_server_id}/tool-approvals/{tool_name}`); resolves to the updated
    /// server.
    pub fn delete(&self, tool_name: &str) -> Pending<McpServer> {
        let built = tool_path(&self.id, "tool-approvals", tool_name).map(|path| {
            call(
                "mcp_servers_tool_approvals_delete",
                Method::DELETE,
                path,
                None,
            )
        });
        typed(self.client, built)
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
    pub fn create(&self, config: ToolConfigOverride) -> Pending<McpServer, WithEnvironment> {
        let built = validate::tool_config(&config).and_then(|()| {
            Ok(call(
                "mcp_servers_tool_configs_create",
                Method::POST,
                format!("{}/tool-configs", server_path(&self.id)?),
                Some(json(&ToolConfigOverrideCreate::from(config))?),
            ))
        });
        typed(self.client, built)
    }

    /// Fetches the override of one tool (`GET …/{mcp_server_id}/tool-configs/{tool_name}`).
    /// Answers 404 ([`Error::is_not_found`]) when there is none.
    pub fn get(&self, tool_name: &str) -> Pending<ToolConfigOverride> {
        let built = tool_path(&self.id, "tool-configs", tool_name)
            .map(|path| call("mcp_servers_tool_configs_get", Method::GET, path, None));
        typed(self.client, built)
    }

    /// Changes the override of one tool
    /// (`PATCH …/{mcp_server_id}/tool-configs/{tool_name}`); resolves to the updated
    /// server. Answers 404 when there is none.
    pub fn update(
        &self,
        tool_name: &str,
        update: ToolConfigOverrideUpdate,
    ) -> Pending<McpServer, WithEnvironment> {
        let built = validate::tool_config_update(&update).and_then(|()| {
            Ok(call(
                "mcp_servers_tool_configs_update",
                Method::PATCH,
                tool_path(&self.id, "tool-configs", tool_name)?,
                Some(json(&update)?),
            ))
        });
        typed(self.client, built)
    }

    /// Removes the override of one tool
    /// (`DELETE …/{mcp_server_id}/tool-configs/{tool_name}`); resolves to the updated
    /// server.
    pub fn delete(&self, tool_name: &str) -> Pending<McpServer> {
        let built = tool_path(&self.id, "tool-configs", tool_name).map(|path| {
            call(
                "mcp_servers_tool_configs_delete",
                Method::DELETE,
                path,
                None,
            )
        });
        typed(self.client, built)
    }
}
