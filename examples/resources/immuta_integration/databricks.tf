# Databricks Unity Catalog, set up by Immuta itself (auto_bootstrap = true),
# authenticating as a service principal with OAuth machine-to-machine.
# Databricks never needs credentials to delete an integration.

variable "databricks_client_secret" {
  description = "OAuth secret of the Databricks service principal Immuta uses."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "databricks" {
  auto_bootstrap = true

  databricks = {
    workspace_url = "dbc-a1b2c3d4-e5f6.cloud.databricks.com"
    http_path     = "/sql/1.0/warehouses/4b9e2f7a1c3d5e60"
    catalog       = "immuta" # created and owned by Immuta

    authentication_type = "oAuthM2M"
    oauth_client_config = {
      client_id     = "7c1f3a52-9d4e-4b8a-a6f0-2e5d8c9b1a34"
      client_secret = var.databricks_client_secret # stored in state (sensitive)
    }

    audit = {
      enabled = true
    }
    group_pattern = {
      deny = "immuta_exempt" # one exemption group: Immuta does not govern its members
    }
  }
}
