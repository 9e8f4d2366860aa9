terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

# A Redshift integration set up by an administrator (auto_bootstrap = false):
# render the setup scripts, have them run, then create the integration from
# the same configuration.

variable "redshift_password" {
  description = "Password of the Redshift user Immuta connects as."
  type        = string
  sensitive   = true
}

variable "setup_scripts_ran" {
  description = "Set to true once an administrator has run the setup scripts."
  type        = bool
  default     = false
}

locals {
  redshift = {
    host                = "acme.abc123xyz.us-east-1.redshift.amazonaws.com"
    database            = "immuta"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "immuta_system"
    password            = var.redshift_password
  }
}

# Redshift and Azure Synapse have two setup scripts: initial-create, then create.
data "immuta_integration_script" "initial" {
  action   = "initial-create"
  redshift = local.redshift
}

data "immuta_integration_script" "setup" {
  action   = "create"
  redshift = local.redshift
}

output "setup_scripts" {
  description = "Run these, in order, as a Redshift superuser."
  value       = [data.immuta_integration_script.initial.script, data.immuta_integration_script.setup.script]
}

resource "immuta_integration" "redshift" {
  count    = var.setup_scripts_ran ? 1 : 0
  redshift = local.redshift
}

# The script that removes Immuta's objects from Redshift, for when the
# integration is deleted.
data "immuta_integration_script" "teardown" {
  count          = var.setup_scripts_ran ? 1 : 0
  action         = "delete"
  integration_id = immuta_integration.redshift[0].id
}

output "teardown_script" {
  value = one(data.immuta_integration_script.teardown[*].script)
}
