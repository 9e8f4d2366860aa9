// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
)

// Payload validation follows Immuta's (Joi-style) messages: the first problem found is reported as
// `Invalid request payload: "config.port" must be a number.`, fields checked in schema order, then keys
// the schema does not know.

// payload is a validated POST/PUT body with defaults filled in.
type payload struct {
	spec          *typeSpec
	autoBootstrap bool
	config        map[string]any
	order         []string // top-level keys, in payload order
	configOrder   []string // config keys, in payload order
}

func invalid(format string, args ...any) *apiError {
	return &apiError{status: 400, message: "Invalid request payload: " + fmt.Sprintf(format, args...) + "."}
}

var errJSONFormat = &apiError{status: 400, message: "Invalid request payload JSON format."}

// decodeObject decodes a JSON object, also returning its keys in document order.
func decodeObject(raw []byte) (map[string]any, []string, *apiError) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil, invalid(`"value" must be of type object`)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, nil, errJSONFormat
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, invalid(`"value" must be of type object`)
	}
	return obj, keyOrder(raw), nil
}

// keyOrder lists the keys of the JSON object raw in document order (nil if raw is not an object).
func keyOrder(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		key, _ := tok.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	return keys
}

// parsePayload validates a POST/PUT body (IMMUTA_API.md, Payload) and fills in the defaults.
func parsePayload(raw []byte) (*payload, *apiError) {
	obj, order, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	tv, ok := obj["type"]
	if !ok {
		return nil, invalid(`"type" is required`)
	}
	name, _ := tv.(string)
	spec := specs[name]
	if spec == nil {
		return nil, invalid(`"type" must be one of [%s]`, strings.Join(typeNames(), ", "))
	}
	p := &payload{spec: spec, order: order, config: map[string]any{}}

	if v, present := obj["autoBootstrap"]; present {
		b, isBool := v.(bool)
		if !isBool {
			return nil, invalid(`"autoBootstrap" must be a boolean`)
		}
		if spec.manualOnly && b {
			return nil, invalid(`"autoBootstrap" must be false for %s`, spec.name)
		}
		// Trino's autoBootstrap is accepted but means nothing; it is stored as false.
		p.autoBootstrap = b && !spec.noConfig
	} else if !spec.noConfig {
		return nil, invalid(`"autoBootstrap" is required`)
	}

	cv, present := obj["config"]
	switch {
	case spec.noConfig && present:
		return nil, invalid(`"config" is not allowed`)
	case spec.noConfig:
	case !present:
		return nil, invalid(`"config" is required`)
	default:
		cfg, isObj := cv.(map[string]any)
		if !isObj {
			return nil, invalid(`"config" must be of type object`)
		}
		ctx := &payloadCtx{autoBootstrap: p.autoBootstrap, config: cfg}
		if err := validateObject(spec.fields, cfg, "config", ctx); err != nil {
			return nil, err
		}
		applyDefaults(spec.fields, cfg, ctx)
		p.config = cfg
		var members map[string]json.RawMessage
		if json.Unmarshal(raw, &members) == nil {
			p.configOrder = keyOrder(members["config"])
		}
	}

	for _, k := range order {
		if k != "type" && k != "autoBootstrap" && k != "config" {
			return nil, invalid(`%q is not allowed`, k)
		}
	}
	return p, nil
}

// validateObject checks obj against fields; path is obj's path in messages ("config", "config.audit").
func validateObject(fields []field, obj map[string]any, path string, ctx *payloadCtx) *apiError {
	for i := range fields {
		f := &fields[i]
		p := path + "." + f.name
		v, present := obj[f.name]
		allowed := f.allowed == nil || f.allowed(ctx, obj)
		if !present {
			if allowed && f.required != nil && f.required(ctx, obj) && !ctx.leftOutOfAnswer(f, path) {
				return invalid(`%q is required`, p)
			}
			continue
		}
		if !allowed {
			return invalid(`%q is not allowed`, p)
		}
		if err := checkValue(f, v, p, ctx); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if ctx.answerOf != nil {
			break // an answer may carry settings the table does not know: they are kept as answered
		}
		if !slices.ContainsFunc(fields, func(f field) bool { return f.name == k }) {
			return invalid(`%q is not allowed`, path+"."+k)
		}
	}
	return nil
}

func checkValue(f *field, v any, p string, ctx *payloadCtx) *apiError {
	switch f.kind {
	case kindString:
		s, ok := v.(string)
		switch {
		case !ok:
			return invalid(`%q must be a string`, p)
		case s == "":
			return invalid(`%q is not allowed to be empty`, p)
		case f.oneOf != nil && !slices.Contains(f.oneOf, s):
			return invalid(`%q must be one of [%s]`, p, strings.Join(f.oneOf, ", "))
		}
		if f.check != nil {
			if msg := f.check(s); msg != "" {
				return invalid(`%q %s`, p, msg)
			}
		}
	case kindBool:
		if _, ok := v.(bool); !ok {
			return invalid(`%q must be a boolean`, p)
		}
	case kindPort, kindCount:
		n, ok := v.(float64)
		switch {
		case !ok:
			return invalid(`%q must be a number`, p)
		case n != math.Trunc(n):
			return invalid(`%q must be an integer`, p)
		case f.kind == kindPort && (n < 1 || n > 65535):
			return invalid(`%q must be a valid port`, p)
		case f.kind == kindCount && n < 1:
			return invalid(`%q must be greater than or equal to 1`, p)
		}
	case kindObject:
		m, ok := v.(map[string]any)
		if !ok {
			return invalid(`%q must be of type object`, p)
		}
		return validateObject(f.members, m, p, ctx)
	case kindAnyObject:
		if _, ok := v.(map[string]any); !ok {
			return invalid(`%q must be of type object`, p)
		}
	case kindStrings:
		items, ok := v.([]any)
		if !ok {
			return invalid(`%q must be an array`, p)
		}
		for i, item := range items {
			if s, isStr := item.(string); !isStr {
				return invalid(`"%s[%d]" must be a string`, p, i)
			} else if s == "" {
				return invalid(`"%s[%d]" is not allowed to be empty`, p, i)
			}
		}
	}
	return nil
}

// applyDefaults fills in absent fields that have defaults, including members of partial objects.
func applyDefaults(fields []field, obj map[string]any, ctx *payloadCtx) {
	for i := range fields {
		f := &fields[i]
		v, present := obj[f.name]
		if present {
			if m, ok := v.(map[string]any); ok && f.kind == kindObject {
				applyDefaults(f.members, m, ctx)
			}
			continue
		}
		if f.allowed != nil && !f.allowed(ctx, obj) {
			continue
		}
		switch {
		case f.def != nil:
			obj[f.name] = deepCopy(f.def)
		case f.create:
			m := map[string]any{}
			applyDefaults(f.members, m, ctx)
			obj[f.name] = m
		}
	}
}

// nonEditableChanges lists the attributes a PUT would change but must not, in payload order (config
// fields at the place of "config"; NE fields the payload left out come last, in schema order).
func nonEditableChanges(rec *integration, p *payload) []string {
	var changed []string
	sameType := p.spec.name == rec.typ
	configChanges := func() []string {
		if !sameType {
			return nil // the configs of two types cannot be compared
		}
		names := slices.Clone(p.configOrder)
		for _, f := range p.spec.fields {
			if !slices.Contains(names, f.name) {
				names = append(names, f.name)
			}
		}
		var out []string
		for _, name := range names {
			f := p.spec.field(name)
			if f != nil && f.ne && !reflect.DeepEqual(rec.config[name], p.config[name]) {
				out = append(out, name)
			}
		}
		return out
	}
	for _, k := range p.order {
		switch k {
		case "type":
			if !sameType {
				changed = append(changed, "type")
			}
		case "autoBootstrap":
			if !p.spec.noConfig && p.autoBootstrap != rec.autoBootstrap {
				changed = append(changed, "autoBootstrap")
			}
		case "config":
			changed = append(changed, configChanges()...)
		}
	}
	return changed
}

// parseDeleteBody returns the config of a DELETE body (nil when there is none).
func parseDeleteBody(raw []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	obj, order, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if v, present := obj["config"]; present {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, invalid(`"config" must be of type object`)
		}
		cfg = m
	}
	for _, k := range order {
		if k != "config" {
			return nil, invalid(`%q is not allowed`, k)
		}
	}
	return cfg, nil
}

// validateCredentials checks a DELETE body's config against the type's privileged-credential fields.
func validateCredentials(spec *typeSpec, creds map[string]any) *apiError {
	fields := spec.credentialFields()
	ctx := &payloadCtx{autoBootstrap: true, config: creds}
	if err := validateObject(fields, creds, "config", ctx); err != nil {
		return err
	}
	applyDefaults(fields, creds, ctx)
	return nil
}

// credentialsMatch compares the credential fields of a DELETE with the stored ones. File metadata
// (keyName, userFilename) is not part of a credential.
func credentialsMatch(spec *typeSpec, stored, given map[string]any) bool {
	strip := func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		m = copyConfig(m)
		delete(m, "keyName")
		delete(m, "userFilename")
		if k, ok := m["oauthPrivateKey"].(map[string]any); ok {
			delete(k, "keyName")
			delete(k, "userFilename")
		}
		return m
	}
	for _, name := range spec.deleteCreds {
		if !reflect.DeepEqual(strip(stored[name]), strip(given[name])) {
			return false
		}
	}
	return true
}
