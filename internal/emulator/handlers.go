// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The API endpoints (IMMUTA_API.md, Endpoints). Every handler runs with e.mu held and never blocks.

// Messages of IMMUTA_API.md, Errors and Deleting.
const (
	msgCreateValidation = "Validation of prerequisite setup failed. Unable to create integration."
	msgCredsManual      = "Credentials are not required for disable unless the integration was configured automatically. If you need to update your integration credentials, use PUT to update the integration before disabling."
	msgCredsAutomatic   = "Integrations that are automatically configured require privileged credentials to disable. Please provide them in your payload."
	msgCredsDatabricks  = "Credentials are not required to disable a Databricks integration. If you need to update your integration credentials, use PUT to update the integration before disabling."
	msgNonEditable      = "Unable to edit integration due to changes of non-editable attribute(s). "
	msgRegenerateTrino  = "Regenerating the API key is only supported for Trino integrations."
)

func notFoundGet(id string) *apiError {
	return &apiError{status: http.StatusNotFound, message: fmt.Sprintf("No Integration found with ID %s.", id)}
}

// notFound is the message of PUT, DELETE, status and the other per-id calls (lower-case "integration").
func notFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, message: fmt.Sprintf("No integration found with ID %s.", id)}
}

func busy(rec *integration) *apiError {
	return &apiError{status: http.StatusConflict,
		message: fmt.Sprintf("Unable to edit integration with ID %s in current state %s.", rec.id(), rec.status)}
}

func editValidationMessage(id string) string {
	return fmt.Sprintf("Unable to edit integration with ID %s, validation failed.", id)
}

func deleteValidationMessage(id string) string {
	return fmt.Sprintf("Unable to delete integration with ID %s, validation failed.", id)
}

// answer renders rec in the current answer style. Callers hold e.mu.
func (e *Emulator) answer(rec *integration) Record { return rec.answer(e.style) }

func (e *Emulator) listIntegrations(now time.Time) response {
	out := []Record{}
	for _, rec := range e.settledAll(now) {
		out = append(out, e.answer(rec))
	}
	return jsonResponse(out)
}

func (e *Emulator) getIntegration(id string, now time.Time) response {
	rec := e.lookup(id, now)
	if rec == nil {
		return notFoundGet(id).response()
	}
	return jsonResponse(e.answer(rec))
}

func (e *Emulator) integrationStatus(id string, now time.Time) response {
	rec := e.lookup(id, now)
	if rec == nil {
		return notFound(id).response()
	}
	v := rec.record(nil)
	return jsonResponse(struct {
		ID                string            `json:"id"`
		Status            string            `json:"status"`
		ValidationResults ValidationResults `json:"validationResults"`
	}{v.ID, v.Status, v.ValidationResults})
}

// conflict reports why cfg may not be created next to the existing integrations (409, or 400 when the
// holder of the host failed to create and should be repaired with PUT instead). Deleted integrations
// (kept in the literal style) hold nothing.
func conflict(spec *typeSpec, cfg map[string]any, existing []*integration) *apiError {
	host := spec.hostKey(cfg)
	for _, rec := range existing {
		if rec.typ != spec.name || rec.status == statusDeleted {
			continue
		}
		if spec.hostKey(rec.config) == host {
			if rec.status == statusCreateError {
				return &apiError{status: http.StatusBadRequest, message: fmt.Sprintf(
					"Use PUT /integrations/%s endpoint to update connection information for %s integration on host %s (id = %s) that previously failed to create.",
					rec.id(), spec.name, host, rec.id())}
			}
			return &apiError{status: http.StatusConflict, message: fmt.Sprintf(
				"%s integration already exists on %s (id = %s).", spec.name, host, rec.id())}
		}
		if spec.uniqueName != "" && rec.config[spec.uniqueName] == cfg[spec.uniqueName] {
			return &apiError{status: http.StatusConflict, message: fmt.Sprintf(
				"%s integration with name %v already exists (id = %s).", spec.name, cfg[spec.uniqueName], rec.id())}
		}
	}
	return nil
}

func newAPIKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func (e *Emulator) createIntegration(c *call, act *FaultAction, now time.Time) response {
	p, err := parsePayload(c.body)
	if err != nil {
		return err.response()
	}
	if err := conflict(p.spec, p.config, e.settledAll(now)); err != nil {
		return err.response()
	}
	if err := act.validationFailure(msgCreateValidation); err != nil {
		return err.response()
	}
	if p.spec.noConfig {
		p.config = map[string]any{"apiKey": newAPIKey()}
	}
	rec := &integration{
		typ:           p.spec.name,
		autoBootstrap: p.autoBootstrap,
		config:        p.config,
		status:        statusCreating,
		results:       passingResults(p.spec, p.autoBootstrap, p.config),
	}
	end, results := act.outcome(statusEnabled)
	rec.next = &pendingStatus{at: now.Add(e.delay), status: end, results: results}
	e.insert(rec)
	return jsonResponse(e.answer(rec))
}

func (e *Emulator) updateIntegration(id string, c *call, act *FaultAction, now time.Time) response {
	p, err := parsePayload(c.body)
	if err != nil {
		return err.response()
	}
	rec := e.lookupLive(id, now)
	if rec == nil {
		return notFound(id).response()
	}
	if isTransitional(rec.status) {
		return busy(rec).response()
	}
	if changed := nonEditableChanges(rec, p); len(changed) > 0 {
		return errorResponse(http.StatusBadRequest, msgNonEditable+strings.Join(changed, ", "))
	}
	if err := act.validationFailure(editValidationMessage(id)); err != nil {
		return err.response()
	}
	previous := rec.config
	if p.spec.noConfig {
		p.config = copyConfig(previous) // Trino keeps its API key
	}
	rec.config = p.config
	rec.status = statusEditing
	rec.results = passingResults(p.spec, rec.autoBootstrap, p.config)
	end, results := act.outcome(statusEnabled)
	next := &pendingStatus{at: now.Add(e.delay), status: end, results: results}
	if end == statusEditError || end == statusMigrateError {
		next.restore = previous // failed edits roll back
	}
	rec.next = next
	return jsonResponse(e.answer(rec))
}

func (e *Emulator) deleteIntegration(id string, c *call, act *FaultAction, now time.Time) response {
	creds, err := parseDeleteBody(c.body)
	if err != nil {
		return err.response()
	}
	rec := e.lookupLive(id, now)
	if rec == nil {
		return notFound(id).response()
	}
	if isTransitional(rec.status) {
		return busy(rec).response()
	}
	spec := specs[rec.typ]
	hasCreds := len(creds) > 0
	switch {
	case rec.typ == typeDatabricks:
		if hasCreds {
			return errorResponse(http.StatusBadRequest, msgCredsDatabricks)
		}
	case rec.autoBootstrap && spec.deleteCreds != nil:
		if !hasCreds {
			return errorResponse(http.StatusBadRequest, msgCredsAutomatic)
		}
		if err := validateCredentials(spec, creds); err != nil {
			return err.response()
		}
		if !rec.credsUnknown && !credentialsMatch(spec, rec.config, creds) {
			res := failedResults(testConnection, fmt.Sprintf(
				"The privileged credentials provided were rejected by %s. Provide the credentials of a user that can remove Immuta's objects from the platform.",
				spec.name))
			return (&apiError{status: http.StatusUnprocessableEntity, message: deleteValidationMessage(id), results: &res}).response()
		}
	default:
		if hasCreds {
			return errorResponse(http.StatusBadRequest, msgCredsManual)
		}
	}
	if err := act.validationFailure(deleteValidationMessage(id)); err != nil {
		return err.response()
	}
	rec.status = statusDeleting
	end, results := act.outcome(statusDeleted)
	rec.next = &pendingStatus{at: now.Add(e.delay), status: end, results: results}
	return jsonResponse(e.answer(rec))
}

func (e *Emulator) regenerateKey(id string, now time.Time) response {
	rec := e.lookupLive(id, now)
	if rec == nil {
		return notFound(id).response()
	}
	if rec.typ != typeTrino {
		return errorResponse(http.StatusBadRequest, msgRegenerateTrino)
	}
	if isTransitional(rec.status) {
		return busy(rec).response()
	}
	rec.config["apiKey"] = newAPIKey()
	return jsonResponse(e.answer(rec))
}
