output "integration_id" {
  description = "Immuta's ID of the integration."
  value       = immuta_integration.this.id
}

output "host" {
  description = "Host name of the Snowflake account."
  value       = local.host
}

output "status" {
  description = "Status of the integration in Immuta: enabled when healthy."
  value       = immuta_integration.this.status
}

output "database" {
  description = "Database Immuta uses in Snowflake, which the setup script creates."
  value       = local.database
}

output "warehouse" {
  description = "Warehouse Immuta runs its queries in."
  value       = local.warehouse
}

output "impersonation_role" {
  description = "Role Immuta impersonates users with."
  value       = local.impersonation_role
}
