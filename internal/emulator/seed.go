// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A seed is a JSON array in one of two forms (README, "Seeds"), told apart by "id":
//
//   - SeedAnswer: integration objects as a tenant's GET /integrations answers them, so that
//     `curl $IMMUTA_URL/integrations > seed.json` gives a local copy of a real tenant. Every item has
//     an "id" (a string of digits or a number), kept as the integration's id.
//   - SeedPayloads: POST bodies ({"type","autoBootstrap","config"}), numbered from the next free id.
type SeedForm string

const (
	SeedAnswer   SeedForm = "answer"
	SeedPayloads SeedForm = "payloads"
)

// DetectSeedForm tells which form the seed b is in: SeedAnswer when every item has an "id", SeedPayloads
// when none has; a mix, or anything but an array of objects, is an error.
func DetectSeedForm(b []byte) (SeedForm, error) {
	_, form, err := seedItems(b)
	return form, err
}

func seedItems(b []byte) ([]json.RawMessage, SeedForm, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, "", fmt.Errorf("seed: want a JSON array of integration objects (as GET /integrations answers) or of POST payloads: %w", err)
	}
	form := SeedPayloads
	for i, item := range items {
		var members map[string]json.RawMessage
		_ = json.Unmarshal(item, &members) // not an object: no id, and its parser says what is wrong
		_, hasID := members["id"]
		switch {
		case i == 0 && hasID:
			form = SeedAnswer
		case hasID != (form == SeedAnswer):
			return nil, "", fmt.Errorf("seed[%d]: every item has an \"id\" (integration objects, as GET /integrations answers) or none has (POST payloads), not some", i)
		}
	}
	return items, form, nil
}

// LoadSeed creates integrations from a seed in either form (SeedForm). Nothing is created unless every
// item is valid and no two hold the same host (or, in the answer form, id).
//
// POST payloads are validated like a POST and created as enabled. Integration objects are taken as a
// tenant answered them: secrets absent or "[REDACTED]", fields at their defaults left out (they are
// filled in), the privileged credentials of an auto-bootstrapped integration absent (a DELETE's are
// then accepted as given), settings the emulator does not know kept as answered, other top-level
// members ignored. "status" defaults to enabled; a transitional one ends after the transition delay
// (in enabled, or deleted for deleting); "validationResults" defaults to a successful create's. A
// deleted integration is kept in the literal style and skipped in the echo style, which has none.
func (e *Emulator) LoadSeed(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	items, form, err := seedItems(b)
	if err != nil {
		return err
	}
	if form == SeedAnswer {
		return e.loadAnswerSeed(items)
	}
	return e.loadPayloadSeed(items)
}

func (e *Emulator) loadPayloadSeed(items []json.RawMessage) error {
	var payloads []*payload
	for i, item := range items {
		p, err := parsePayload(item)
		if err != nil {
			return fmt.Errorf("seed[%d]: %s", i, err.message)
		}
		payloads = append(payloads, p)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	existing := e.settledAll(time.Now())
	var fresh []*integration
	for i, p := range payloads {
		if err := conflict(p.spec, p.config, existing); err != nil {
			return fmt.Errorf("seed[%d]: %s", i, err.message)
		}
		if p.spec.noConfig {
			p.config = map[string]any{"apiKey": newAPIKey()}
		}
		rec := &integration{
			num:           e.nextID + len(fresh), // provisional, so conflicts among seeds name an id
			typ:           p.spec.name,
			autoBootstrap: p.autoBootstrap,
			config:        p.config,
			status:        statusEnabled,
			results:       passingResults(p.spec, p.autoBootstrap, p.config),
		}
		existing = append(existing, rec)
		fresh = append(fresh, rec)
	}
	for _, rec := range fresh {
		e.records[rec.id()] = rec
	}
	e.nextID += len(fresh)
	return nil
}

func (e *Emulator) loadAnswerSeed(items []json.RawMessage) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	existing := e.settledAll(now)
	var fresh []*integration
	for i, item := range items {
		rec, err := answerRecord(item, now, e.delay)
		if err != nil {
			return fmt.Errorf("seed[%d]%w", i, err)
		}
		where := fmt.Sprintf("seed[%d] (id %s)", i, rec.id())
		if e.records[rec.id()] != nil || slices.ContainsFunc(fresh, func(o *integration) bool { return o.num == rec.num }) {
			return fmt.Errorf("%s: another integration has id %s", where, rec.id())
		}
		if rec.status == statusDeleted && e.style != AnswerLiteral {
			continue // the echo style keeps no deleted integration
		}
		if rec.status != statusDeleted {
			if err := conflict(specs[rec.typ], rec.config, existing); err != nil {
				return fmt.Errorf("%s: %s", where, err.message)
			}
		}
		existing = append(existing, rec)
		fresh = append(fresh, rec)
	}
	for _, rec := range fresh {
		e.records[rec.id()] = rec
		e.nextID = max(e.nextID, rec.num+1)
	}
	return nil
}

// answerItem is the part of an integration object a seed uses.
type answerItem struct {
	ID                json.RawMessage    `json:"id"`
	Type              *string            `json:"type"`
	AutoBootstrap     *bool              `json:"autoBootstrap"`
	Status            *string            `json:"status"`
	ValidationResults *ValidationResults `json:"validationResults"`
	Config            json.RawMessage    `json:"config"`
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// answerID reads an id answered as a string of digits or as a whole number.
func answerID(raw json.RawMessage) (int, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err == nil {
		switch id := v.(type) {
		case string:
			if n, err := strconv.Atoi(id); err == nil && digits.MatchString(id) && n >= 1 {
				return n, nil
			}
		case float64:
			if id >= 1 && id == math.Trunc(id) && id <= math.MaxInt32 {
				return int(id), nil
			}
		}
	}
	return 0, fmt.Errorf(`"id" must be a string of digits or a whole number from 1, as Immuta answers it, not %s`, raw)
}

// answerRecord makes the record one integration object of an answer seed describes. Its errors start
// with what follows "seed[i]" in a message: ": " or, once the id is known, " (id N): ".
func answerRecord(raw json.RawMessage, now time.Time, delay time.Duration) (*integration, error) {
	var item answerItem
	if err := json.Unmarshal(raw, &item); err != nil {
		return nil, fmt.Errorf(": not an integration object as GET /integrations answers it: %w", err)
	}
	num, err := answerID(item.ID)
	if err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf(" (id %d): %s", num, fmt.Sprintf(format, args...))
	}
	if item.Type == nil || specs[*item.Type] == nil {
		return nil, fail(`"type" must be one of [%s]`, strings.Join(typeNames(), ", "))
	}
	spec := specs[*item.Type]
	rec := &integration{num: num, typ: spec.name, status: statusEnabled}

	switch {
	case spec.noConfig:
	case item.AutoBootstrap == nil:
		return nil, fail(`"autoBootstrap" is missing: Immuta answers it for every %s integration`, spec.name)
	case *item.AutoBootstrap && spec.manualOnly:
		return nil, fail(`"autoBootstrap" must be false for %s`, spec.name)
	default:
		rec.autoBootstrap = *item.AutoBootstrap
	}

	if item.Status != nil {
		if !knownStatus(*item.Status) {
			return nil, fail("unknown status %q", *item.Status)
		}
		rec.status = *item.Status
	}
	if isTransitional(rec.status) {
		end := statusEnabled
		if rec.status == statusDeleting {
			end = statusDeleted
		}
		rec.next = &pendingStatus{at: now.Add(delay), status: end}
	}

	if rec.config, err = answerConfig(spec, rec.autoBootstrap, item.Config); err != nil {
		return nil, fail("%s", err)
	}
	rec.credsUnknown = rec.autoBootstrap && spec.deleteCreds != nil

	if item.ValidationResults != nil {
		if err := checkTests(item.ValidationResults.ValidationTests); err != nil {
			return nil, fail("validationResults: %s", err)
		}
		rec.results = resultsOf(item.ValidationResults.ValidationTests)
	} else {
		rec.results = passingResults(spec, rec.autoBootstrap, rec.config)
	}
	return rec, nil
}

// answerConfig validates an answered config and stores it with its defaults filled in: secrets (absent
// or redacted) and, for an auto-bootstrapped integration, the privileged credentials may be missing.
func answerConfig(spec *typeSpec, autoBootstrap bool, raw json.RawMessage) (map[string]any, error) {
	var cfg map[string]any
	if len(raw) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return nil, errors.New(`"config" must be of type object`)
		}
	}
	if spec.noConfig {
		// Trino's only setting is the API key its answers carry; a redacted or missing one is made anew.
		key, _ := cfg["apiKey"].(string)
		if key == "" || key == redacted {
			key = newAPIKey()
		}
		return map[string]any{"apiKey": key}, nil
	}
	if cfg == nil {
		return nil, errors.New(`"config" is missing`)
	}
	dropRedacted(spec.fields, cfg)
	ctx := &payloadCtx{autoBootstrap: autoBootstrap, config: cfg, answerOf: spec}
	if err := validateObject(spec.fields, cfg, "config", ctx); err != nil {
		return nil, errors.New(strings.TrimPrefix(err.message, "Invalid request payload: "))
	}
	applyDefaults(spec.fields, cfg, ctx)
	return cfg, nil
}

// dropRedacted removes the secrets answered as "[REDACTED]", at any depth.
func dropRedacted(fields []field, obj map[string]any) {
	for i := range fields {
		f := &fields[i]
		switch v := obj[f.name].(type) {
		case string:
			if f.secret && v == redacted {
				delete(obj, f.name)
			}
		case map[string]any:
			if f.kind == kindObject {
				dropRedacted(f.members, v)
			}
		}
	}
}

// leftOutOfAnswer reports whether an API answer may lack field f of the object at path (IMMUTA_API.md,
// Sparse answers): a secret, an object that holds one (emptied of it and of its defaults, the literal
// style leaves it out), and an auto-bootstrapped integration's privileged credentials. Payloads (answerOf
// nil) lack nothing.
func (p *payloadCtx) leftOutOfAnswer(f *field, path string) bool {
	if p.answerOf == nil {
		return false
	}
	return f.secret || hasSecret(f.members) ||
		(p.autoBootstrap && path == "config" && slices.Contains(p.answerOf.deleteCreds, f.name))
}

func hasSecret(fields []field) bool {
	return slices.ContainsFunc(fields, func(f field) bool { return f.secret || hasSecret(f.members) })
}
