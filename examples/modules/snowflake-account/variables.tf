variable "account" {
  description = "Snowflake account identifier, in lower case: the part of the host name before .snowflakecomputing.com, such as \"acme-analytics\" or \"xy12345.us-east-1\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([.-][a-z0-9]+)*$", var.account))
    error_message = "account must be a Snowflake account identifier in lower case, such as \"acme-analytics\" or \"xy12345.us-east-1\" (letters, digits, dots and hyphens; no \"https://\" and no \".snowflakecomputing.com\"): the module builds the host name from it."
  }
}

variable "environment" {
  description = "Environment the account serves: dev, staging or prod. It names Immuta's database, warehouse and impersonation role in Snowflake, and turns audit on in prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "system_user" {
  description = "Snowflake user Immuta connects as, created by the setup script."
  type        = string
  default     = "IMMUTA_SYSTEM"

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*$", var.system_user))
    error_message = "system_user must be an unquoted Snowflake identifier in upper case, such as IMMUTA_SYSTEM."
  }
}

variable "system_password" {
  description = "Password of system_user, from your secret manager. Write-only: never stored in state or plan files."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "system_password_version" {
  description = "Increase after changing system_password, to send the new one to Immuta."
  type        = number
  default     = 1

  validation {
    condition     = var.system_password_version >= 1 && floor(var.system_password_version) == var.system_password_version
    error_message = "system_password_version must be a whole number from 1: increase it by one for each new password."
  }
}

variable "timeout" {
  description = "How long to wait for Immuta to validate the account on create and update, as a duration such as \"30m\"."
  type        = string
  default     = "30m"
}
