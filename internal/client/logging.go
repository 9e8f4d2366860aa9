// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem the client logs to. Its level can be set
// apart from the provider's with TF_LOG_PROVIDER_IMMUTA_CLIENT.
const LogSubsystem = "immuta_client"

const (
	maskReplacement = "***"
	// maxLogBody caps a logged body; scripts and long lists are not worth
	// more in a debug log.
	maxLogBody = 8 << 10
	// maxMaskedBody is the largest body masked for the log at all.
	maxMaskedBody = 256 << 10
	// minMaskedSecretLen keeps very short secret values out of tflog's
	// substring masking, which would otherwise mangle unrelated log text.
	minMaskedSecretLen = 4
)

// keySet lower-cases the secret JSON keys given in Config.SecretKeys.
func keySet(keys []string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
			set[k] = true
		}
	}
	return set
}

// logContext returns ctx with the client's subsystem logger, which masks the
// API key (and the given secret values) in every message and string field:
// a second line of defence behind masking bodies before they are logged.
func (c *Client) logContext(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem,
		tflog.WithLevelFromEnv("TF_LOG_PROVIDER", LogSubsystem),
		tflog.WithRootFields())
	masks := []string{c.apiKey}
	for _, s := range secrets {
		if len(s) >= minMaskedSecretLen && s != RedactedValue {
			masks = append(masks, s)
		}
	}
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, masks...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, masks...)
	return tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, LogSubsystem, "authorization", "Authorization")
}

func logDebug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(ctx, LogSubsystem, msg, fields)
}

// maskBody renders a body for the log: JSON with every secret value replaced
// by "***", or, when it is not JSON (a script, an HTML error page), the text
// itself; either way truncated.
func (c *Client) maskBody(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	if len(c.secretKeys) == 0 {
		// Nothing says which values are secret: logging none is the only
		// safe choice (see Config.SecretKeys).
		return fmt.Sprintf("(%d bytes, not logged: the client was given no secret keys)", len(b))
	}
	if len(b) > maxMaskedBody {
		// Masking means parsing it whole, for a log line that keeps 8 KiB:
		// a list of thousands of integrations would cost many times its size.
		return fmt.Sprintf("(%d bytes, not logged: larger than %d KiB)", len(b), maxMaskedBody>>10)
	}
	if masked, _, ok := c.maskJSON(b); ok {
		return truncate(masked)
	}
	return truncate(string(b))
}

// maskJSON masks the secret values of a JSON document and also returns the
// string values it masked, so they can be registered with tflog. ok is false
// when b is not JSON.
func (c *Client) maskJSON(b []byte) (masked string, secrets []string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", nil, false
	}
	v = maskValue(v, c.secretKeys, &secrets)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", nil, false
	}
	return strings.TrimSpace(out.String()), secrets, true
}

func maskValue(v any, keys map[string]bool, secrets *[]string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if keys[strings.ToLower(k)] && val != nil {
				collectStrings(val, secrets)
				t[k] = maskReplacement
				continue
			}
			t[k] = maskValue(val, keys, secrets)
		}
	case []any:
		for i := range t {
			t[i] = maskValue(t[i], keys, secrets)
		}
	}
	return v
}

func collectStrings(v any, out *[]string) {
	switch t := v.(type) {
	case string:
		*out = append(*out, t)
	case map[string]any:
		for _, val := range t {
			collectStrings(val, out)
		}
	case []any:
		for _, val := range t {
			collectStrings(val, out)
		}
	}
}

// secretValues returns the secret string values in a JSON body.
func (c *Client) secretValues(b []byte) []string {
	_, s, _ := c.maskJSON(b)
	return s
}

func truncate(s string) string {
	if len(s) <= maxLogBody {
		return s
	}
	cut := maxLogBody
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (truncated, %d bytes in all)", s[:cut], len(s))
}
