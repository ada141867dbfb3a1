//! The national clouds Graph is deployed in.

/// A Microsoft Graph deployment. Each has its own host, tokens and data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// The global service, `https://graph.microsoft.com`.
    Global,
    /// US Government L4 (GCC High), `https://graph.microsoft.us`.
    UsGovL4,
    /// US Government L5 (DOD), `https://dod-graph.microsoft.us`.
    UsGovL5Dod,
    /// China operated by 21Vianet, `https://microsoftgraph.chinacloudapi.cn`.
    China,
}

impl Cloud {
    /// Every cloud, in the order Microsoft's documentation lists them.
    pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5Dod, Cloud::China];

    /// The Graph endpoint of this cloud, without the API version.
    pub fn host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The name Microsoft's documentation gives this cloud.
    pub fn display_name(self) -> &'static str {
        match self {
            Cloud::Global => "Global service",
            Cloud::UsGovL4 => "US Government L4",
            Cloud::UsGovL5Dod => "US Government L5 (DOD)",
            Cloud::China => "China operated by 21Vianet",
        }
    }

    /// The service root for an API version, for example `https://graph.microsoft.com/v1.0`.
    pub fn service_root(self, api_version: &str) -> String {
        format!("{}/{}", self.host(), api_version)
    }
}
