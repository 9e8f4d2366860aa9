// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package serve serves a terraform-plugin-framework provider over protocol
// 6, as providerserver does, without the framework's per-request memory
// retention, and without logs that Terraform would throw away.
//
// Each per-resource request runs under a context that forgets its parent
// once the request is answered, so what the framework keeps (below) is a
// few hundred bytes per request instead of the request's whole context.
// protocol6 refuses to serve a framework server it cannot wrap: it panics,
// so that every test fails, rather than bring the retention back unseen.
// TestFrameworkRetainsRequestContexts fails the day the framework stops
// retaining; this package can then go back to providerserver.NewProtocol6
// and tf6server.Serve.
//
// # Upstream report
//
// To file at https://github.com/hashicorp/terraform-plugin-framework/issues:
//
// Title: proto6server keeps every request's context until StopProvider.
//
// Module version: github.com/hashicorp/terraform-plugin-framework v1.19.0
// (proto5server has the same code).
//
// What retains what: every RPC handler of internal/proto6server (for
// example ReadResource in server_readresource.go) starts with
// ctx = s.registerContext(ctx). registerContext (serve.go) calls
// context.WithCancel(in) and appends the cancel function to
// Server.contextCancels, a slice that only cancelRegisteredContexts, called
// by StopProvider, empties. Each cancel function holds its *cancelCtx, and
// the cancelCtx holds its parent: the RPC's context, with everything
// terraform-plugin-go's tf6server attached to it (the SDK and provider
// hclog loggers, their LoggerOpts and fields, the request ID), some 20 kB a
// request. Terraform sends StopProvider only when interrupted, so in a
// normal run nothing is released until the process exits.
//
// How to reproduce: serve any provider with providerserver.NewProtocol6,
// send it ReadResource (or PlanResourceChange, ValidateResourceConfig,
// ReadDataSource) requests whose contexts carry a large value, cancel each
// context after its answer (as gRPC does), run the garbage collector, and
// check with weak.Pointer that the values are still reachable
// (requestsRetain in serve_test.go does exactly this). In practice:
// terraform plan of 1000 resources, about four requests each, leaves the
// provider some 80 MB larger, growing linearly with the number of
// resources (this repository's benchmark: a peak of 193 MB, 40 MB once
// the contexts were released; see BENCHMARKS.md).
//
// Expected: once an RPC has returned, nothing of its context stays
// reachable from the Server; StopProvider still cancels the requests in
// flight (for example, registerContext returns a function that removes the
// entry, deferred by each handler, or the handler derives its context with
// context.AfterFunc from one server-wide stop context).
//
// Actual: Server.contextCancels grows by one entry per request and keeps
// every request's context chain alive until StopProvider.
package serve

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider to Terraform (or, with debug, to a debugger).
func Serve(address string, p func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		quietUnlessTerraformShowsLogs(os.Getenv, os.Setenv, logName(address))
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return protocol6(p())
	}, opts...)
}

// logName is the provider's part of its log level variable,
// TF_LOG_PROVIDER_<logName>: the type in its source address, in capitals,
// with dashes as underscores (as terraform-plugin-go names it).
func logName(address string) string {
	typ := address[strings.LastIndex(address, "/")+1:]
	return strings.ToUpper(strings.ReplaceAll(typ, "-", "_"))
}

// quietUnlessTerraformShowsLogs turns the provider's logs off when
// Terraform would read and then discard them. Terraform shows a provider's
// logs only when TF_LOG or TF_LOG_PROVIDER is set; terraform-plugin-go
// logs at TRACE unless told otherwise, so without this every request
// formats a few dozen JSON lines that Terraform parses and throws away
// (a sixth of the provider's CPU time in a plan of 1000, BENCHMARKS.md).
// A level the user set for the SDK or the provider wins.
//
// The environment is the only way in: terraform-plugin-go v0.31.0 builds
// both root loggers anew for every request (tf6server's loggingContext,
// internal/logging.InitContext) and takes their levels from TF_LOG_SDK and
// TF_LOG_PROVIDER_<name> alone; no ServeOpt sets a level. Turning loggers off
// in the wrapper's context would leave tf6server's own lines around each
// request, and tf6server's WithLoggingSink is meant for tests. The variables
// are set once, before serving, in this process only (it starts no other).
func quietUnlessTerraformShowsLogs(getenv func(string) string, setenv func(string, string) error, logName string) {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_" + logName} {
		if getenv(name) == "" {
			_ = setenv(name, "OFF")
		}
	}
}

// protocol6 is providerserver.NewProtocol6(p)() with the per-resource
// requests run under releasable contexts. It panics if the framework's
// server cannot be wrapped (see wrap).
func protocol6(p provider.Provider) tfprotov6.ProviderServer {
	srv, err := wrap(providerserver.NewProtocol6(p)())
	if err != nil {
		panic(err)
	}
	return srv
}

// Protocol6WithError is protocol6 in the shape terraform-plugin-testing's
// ProtoV6ProviderFactories want; it returns wrap's error instead of
// panicking.
func Protocol6WithError(p provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) { return wrap(providerserver.NewProtocol6(p)()) }
}

// wrap puts server around the framework's server. A server that lacks one
// of frameworkServer's calls is an error, never served as it is: unwrapped,
// it would keep every request's context again, and nothing would say so.
func wrap(inner tfprotov6.ProviderServer) (tfprotov6.ProviderServer, error) {
	fw, ok := inner.(frameworkServer)
	if !ok {
		return nil, fmt.Errorf("serve: the framework's server (%T) lacks a call that frameworkServer names: "+
			"make frameworkServer what the framework implements", inner)
	}
	return server{fw}, nil
}

// frameworkServer is what the framework's protocol 6 server implements: the
// required calls and the optional ones tf6server looks for (list resources,
// actions, state stores), which the wrapper must keep offering.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// server forwards every request; the ones Terraform sends for each resource
// or data source get a releasable context. Provider-level requests come a
// few times per process, and streaming ones use their context after the
// call returns: those are forwarded as they are.
type server struct {
	frameworkServer
}

// call runs next under a context that forgets ctx when next returns.
func call[Req, Resp any](ctx context.Context, req Req, next func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasable(ctx)
	defer rc.release()
	return next(rc, req)
}

func (s server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadResource)
}

func (s server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s server) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadDataSource)
}

// releasable is a context that behaves as its parent until released, and
// afterwards holds nothing of it but its Done channel (cheap to keep), its
// deadline and the error it ended with. Its values are gone: nothing reads
// a request's context once the request is answered (the provider starts no
// goroutine that outlives a request).
type releasable struct {
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool

	mu     sync.RWMutex
	parent context.Context // nil once released
	err    error           // the parent's error when released
}

func newReleasable(parent context.Context) *releasable {
	deadline, ok := parent.Deadline()
	return &releasable{done: parent.Done(), deadline: deadline, hasDeadline: ok, parent: parent}
}

func (c *releasable) current() (context.Context, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parent, c.err
}

func (c *releasable) Deadline() (time.Time, bool) { return c.deadline, c.hasDeadline }

// Done is the parent's channel, so that context.WithCancel finds the
// parent's cancelCtx through Value and needs no goroutine to propagate
// cancellation.
func (c *releasable) Done() <-chan struct{} { return c.done }

// Err is nil until Done is closed, as the context contract wants, even
// after release.
func (c *releasable) Err() error {
	p, err := c.current()
	switch {
	case p != nil:
		return p.Err()
	case err != nil:
		return err
	}
	select {
	case <-c.done: // ended after release; why is no longer known
		return context.Canceled
	default:
		return nil
	}
}

func (c *releasable) Value(key any) any {
	if p, _ := c.current(); p != nil {
		return p.Value(key)
	}
	return nil
}

// release is called once the request is answered.
func (c *releasable) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parent == nil {
		return
	}
	c.err = c.parent.Err()
	c.parent = nil
}
