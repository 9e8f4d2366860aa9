// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The script endpoints (IMMUTA_API.md, Endpoints) answer text/plain SQL an admin runs for a manually
// bootstrapped integration. The scripts are plausible, not Immuta's; they never contain a secret.

const (
	msgScriptsManual  = "Scripts are only available for integrations with autoBootstrap set to false."
	msgScriptsTrino   = "Scripts are not available for Trino integrations."
	msgScriptsInitial = "Initial create scripts are only available for Redshift and Azure Synapse Analytics integrations."
)

// payloadScript serves POST /integrations/scripts/{create,initial-create,cleanup,post-cleanup}.
func (e *Emulator) payloadScript(kind string, c *call) response {
	switch kind {
	case "create", "initial-create", "cleanup", "post-cleanup":
	default:
		return notFoundRoute
	}
	p, err := parsePayload(c.body)
	if err != nil {
		return err.response()
	}
	if err := scriptAllowed(p.spec, p.autoBootstrap); err != nil {
		return err.response()
	}
	if kind == "initial-create" && !p.spec.initialScript {
		return errorResponse(http.StatusBadRequest, msgScriptsInitial)
	}
	return textResponse(renderScript(kind, p.spec, p.config))
}

// integrationScript serves POST /integrations/{id}/scripts/{edit,delete}.
func (e *Emulator) integrationScript(id, kind string, c *call, now time.Time) response {
	if kind != "edit" && kind != "delete" {
		return notFoundRoute
	}
	var p *payload
	if kind == "edit" {
		var err *apiError
		if p, err = parsePayload(c.body); err != nil {
			return err.response()
		}
	}
	rec := e.lookupLive(id, now)
	if rec == nil {
		return notFound(id).response()
	}
	spec := specs[rec.typ]
	if err := scriptAllowed(spec, rec.autoBootstrap); err != nil {
		return err.response()
	}
	cfg := rec.config
	if p != nil {
		if changed := nonEditableChanges(rec, p); len(changed) > 0 {
			return errorResponse(http.StatusBadRequest, msgNonEditable+strings.Join(changed, ", "))
		}
		cfg = p.config
	}
	return textResponse(renderScript(kind, spec, cfg))
}

func scriptAllowed(spec *typeSpec, autoBootstrap bool) *apiError {
	switch {
	case spec.noConfig:
		return &apiError{status: http.StatusBadRequest, message: msgScriptsTrino}
	case autoBootstrap:
		return &apiError{status: http.StatusBadRequest, message: msgScriptsManual}
	}
	return nil
}

func renderScript(kind string, spec *typeSpec, cfg map[string]any) string {
	object := spec.object(cfg)
	var b strings.Builder
	fmt.Fprintf(&b, "-- Immuta %s integration on %s: %s script.\n", spec.name, spec.hostKey(cfg), kind)
	b.WriteString("-- Run it as a privileged user of the platform.\n")
	switch kind {
	case "initial-create":
		b.WriteString("CREATE USER immuta_system_account;\n")
		fmt.Fprintf(&b, "CREATE %s;\n", object)
	case "create":
		b.WriteString("CREATE ROLE IF NOT EXISTS immuta_system_role;\n")
		fmt.Fprintf(&b, "CREATE %s;\n", object)
		fmt.Fprintf(&b, "GRANT ALL PRIVILEGES ON %s TO ROLE immuta_system_role;\n", object)
		b.WriteString("GRANT ROLE immuta_system_role TO USER immuta_system_account;\n")
	case "edit":
		fmt.Fprintf(&b, "GRANT ALL PRIVILEGES ON %s TO ROLE immuta_system_role;\n", object)
	case "delete", "cleanup":
		fmt.Fprintf(&b, "DROP %s;\n", object)
		b.WriteString("DROP ROLE IF EXISTS immuta_system_role;\n")
	case "post-cleanup":
		b.WriteString("DROP USER IF EXISTS immuta_system_account;\n")
	}
	return b.String()
}
