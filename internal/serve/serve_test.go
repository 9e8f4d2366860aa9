// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package serve

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type emptyProvider struct{}

func (emptyProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "empty"
}
func (emptyProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (emptyProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (emptyProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (emptyProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type payloadKey struct{}

// payload stands for what terraform-plugin-go attaches to a request's
// context (loggers and their options): big enough to matter.
type payload [64 << 10]byte

// requests are the per-resource calls, each for a type the provider does
// not have: the framework still registers its context, then answers with a
// diagnostic.
var requests = map[string]func(context.Context, tfprotov6.ProviderServer) (int, error){
	"ValidateResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) (int, error) {
		r, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "empty_thing"})
		return diagnostics(r, err, func() int { return len(r.Diagnostics) })
	},
	"ReadResource": func(ctx context.Context, s tfprotov6.ProviderServer) (int, error) {
		r, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "empty_thing"})
		return diagnostics(r, err, func() int { return len(r.Diagnostics) })
	},
	"PlanResourceChange": func(ctx context.Context, s tfprotov6.ProviderServer) (int, error) {
		r, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "empty_thing"})
		return diagnostics(r, err, func() int { return len(r.Diagnostics) })
	},
	"ReadDataSource": func(ctx context.Context, s tfprotov6.ProviderServer) (int, error) {
		r, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "empty_thing"})
		return diagnostics(r, err, func() int { return len(r.Diagnostics) })
	},
}

func diagnostics[R any](r *R, err error, count func() int) (int, error) {
	if err != nil || r == nil {
		return 0, err
	}
	return count(), nil
}

// requestsRetain sends requests whose contexts carry a payload and reports
// how many payloads are still alive once every request is answered.
func requestsRetain(t *testing.T, srv tfprotov6.ProviderServer, call func(context.Context, tfprotov6.ProviderServer) (int, error)) int {
	t.Helper()
	const n = 20
	refs := make([]weak.Pointer[payload], 0, n)
	for range n {
		p := &payload{}
		refs = append(refs, weak.Make(p))
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
		diags, err := call(ctx, srv)
		cancel() // as gRPC does when a request ends
		if err != nil || diags == 0 {
			t.Fatalf("an unknown type must be answered with a diagnostic: %d diagnostics, %v", diags, err)
		}
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, r := range refs {
		if r.Value() != nil {
			alive++
		}
	}
	runtime.KeepAlive(srv) // the server lives as long as the provider process
	return alive
}

func TestFrameworkRetainsRequestContexts(t *testing.T) {
	// The reason for this package: when this fails, the framework no longer
	// keeps request contexts and protocol6 can go back to providerserver's.
	for name, call := range requests {
		if alive := requestsRetain(t, providerserver.NewProtocol6(emptyProvider{})(), call); alive == 0 {
			t.Errorf("%s: terraform-plugin-framework no longer retains request contexts; package serve is not needed any more", name)
		}
	}
}

func TestProtocol6ReleasesRequestContexts(t *testing.T) {
	for name, call := range requests {
		if alive := requestsRetain(t, protocol6(emptyProvider{}), call); alive != 0 {
			t.Errorf("%s: %d of 20 request contexts are still alive after their requests were answered", name, alive)
		}
	}
}

func TestProtocol6WrapsTheFrameworkServer(t *testing.T) {
	viaTesting, err := Protocol6WithError(emptyProvider{})()
	if err != nil {
		t.Fatal(err)
	}
	for name, srv := range map[string]tfprotov6.ProviderServer{"protocol6": protocol6(emptyProvider{}), "Protocol6WithError": viaTesting} {
		if _, ok := srv.(server); !ok {
			t.Fatalf("%s served the framework's server unwrapped (%T)", name, srv)
		}
		// tf6server offers these calls only to servers that implement them.
		if _, ok := srv.(tfprotov6.ListResourceServer); !ok {
			t.Errorf("%s: list resources are lost", name)
		}
		if _, ok := srv.(tfprotov6.ActionServer); !ok {
			t.Errorf("%s: actions are lost", name)
		}
		if _, ok := srv.(tfprotov6.StateStoreServer); !ok {
			t.Errorf("%s: state stores are lost", name)
		}
	}
}

// TestTheWrapperOffersEveryCall fails when a new framework's server has a
// call that the wrapper does not offer (a new optional interface that
// frameworkServer does not name yet): tf6server would not find it.
func TestTheWrapperOffersEveryCall(t *testing.T) {
	inner := reflect.TypeOf(providerserver.NewProtocol6(emptyProvider{})())
	outer := reflect.TypeOf(protocol6(emptyProvider{}))
	for i := range inner.NumMethod() {
		if name := inner.Method(i).Name; !isMethodOf(outer, name) {
			t.Errorf("the framework's server has %s, the wrapper does not: add its interface to frameworkServer", name)
		}
	}
}

func isMethodOf(t reflect.Type, name string) bool {
	_, ok := t.MethodByName(name)
	return ok
}

// lesserServer is a framework server with only the required calls.
type lesserServer struct{ tfprotov6.ProviderServer }

func TestWrapRefusesWhatItCannotWrap(t *testing.T) {
	srv, err := wrap(lesserServer{providerserver.NewProtocol6(emptyProvider{})()})
	if err == nil || srv != nil {
		t.Fatalf("wrap(a server without the optional calls) = %T, %v; want no server and an error", srv, err)
	}
	if !strings.Contains(err.Error(), "frameworkServer") {
		t.Errorf("the error does not say what to update: %v", err)
	}
}

type valueKey struct{}

func TestReleasableForwardsUntilReleased(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), valueKey{}, "v"), deadline)
	rc := newReleasable(parent)

	if got := rc.Value(valueKey{}); got != "v" {
		t.Errorf("Value before release = %v, want the parent's", got)
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline before release = %v %v, want the parent's", d, ok)
	}
	if rc.Err() != nil {
		t.Errorf("Err before release = %v, want nil", rc.Err())
	}

	// A child made by the framework ends when the request's context ends.
	child, stopChild := context.WithCancel(rc)
	defer stopChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("ending the parent did not end a child of the releasable context")
	}
	if rc.Err() != context.Canceled {
		t.Errorf("Err after the parent ended = %v, want context.Canceled", rc.Err())
	}

	rc.release()
	if got := rc.Value(valueKey{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline after release = %v %v, want the parent's, unchanged", d, ok)
	}
	if rc.Err() != context.Canceled {
		t.Errorf("Err after release = %v, want the error the parent ended with", rc.Err())
	}
	rc.release() // twice is harmless
}

func TestReleaseBeforeTheParentEnds(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	rc := newReleasable(parent)
	rc.release()
	if rc.Err() != nil {
		t.Errorf("Err of a context released while its parent lives = %v, want nil until Done is closed", rc.Err())
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline after release = %v %v, want the parent's, unchanged", d, ok)
	}
	cancel()
	<-rc.Done()
	if rc.Err() != context.Canceled {
		t.Errorf("Err once the parent ended after release = %v, want context.Canceled", rc.Err())
	}
}

func TestReleaseWhileInUse(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), valueKey{}, "v"))
	defer cancel()
	rc := newReleasable(parent)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					return
				default:
					_ = rc.Value(valueKey{})
					_ = rc.Err()
					_, _ = rc.Deadline()
				}
			}
		}()
	}
	rc.release()
	close(done)
	if rc.Value(valueKey{}) != nil {
		t.Error("a released context still answers values")
	}
}

func TestLogName(t *testing.T) {
	for address, want := range map[string]string{
		"registry.terraform.io/immuta/immuta":       "IMMUTA",
		"registry.terraform.io/immuta/immuta-floor": "IMMUTA_FLOOR",
	} {
		if got := logName(address); got != want {
			t.Errorf("logName(%q) = %q, want %q", address, got, want)
		}
	}
}

func TestQuietUnlessTerraformShowsLogs(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"terraform discards the logs", map[string]string{},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_IMMUTA": "OFF"}},
		{"TF_LOG shows them", map[string]string{"TF_LOG": "DEBUG"},
			map[string]string{"TF_LOG": "DEBUG"}},
		{"TF_LOG_PROVIDER shows them", map[string]string{"TF_LOG_PROVIDER": "TRACE"},
			map[string]string{"TF_LOG_PROVIDER": "TRACE"}},
		{"TF_LOG_PATH alone shows nothing", map[string]string{"TF_LOG_PATH": "/tmp/tf.log"},
			map[string]string{"TF_LOG_PATH": "/tmp/tf.log", "TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_IMMUTA": "OFF"}},
		{"TF_LOG_CORE is Terraform's own", map[string]string{"TF_LOG_CORE": "TRACE"},
			map[string]string{"TF_LOG_CORE": "TRACE", "TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_IMMUTA": "OFF"}},
		{"a level the user set wins", map[string]string{"TF_LOG_SDK": "ERROR"},
			map[string]string{"TF_LOG_SDK": "ERROR", "TF_LOG_PROVIDER_IMMUTA": "OFF"}},
	}
	for _, c := range cases {
		env := map[string]string{}
		for k, v := range c.env {
			env[k] = v
		}
		quietUnlessTerraformShowsLogs(func(k string) string { return env[k] },
			func(k, v string) error { env[k] = v; return nil }, "IMMUTA")
		if len(env) != len(c.want) {
			t.Errorf("%s: environment %v, want %v", c.name, env, c.want)
			continue
		}
		for k, v := range c.want {
			if env[k] != v {
				t.Errorf("%s: %s=%q, want %q", c.name, k, env[k], v)
			}
		}
	}
}
