package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger routes the clients' request logs to tflog. Calls are
// serialized: with masking configured, tflog rewrites the logger's shared
// field map in place (terraform-plugin-log v0.11 ApplyMask), which the
// pager's concurrent workers would otherwise write at the same time.
type tflogLogger struct {
	mu *sync.Mutex
}

func newTFLogLogger() tflogLogger { return tflogLogger{mu: &sync.Mutex{}} }

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	tflog.Debug(ctx, msg, fields)
}

// withSecretsMasked makes tflog redact the given secrets from every message
// and field logged with the returned context, as a second line of defence:
// the clients never log credentials in the first place.
func withSecretsMasked(ctx context.Context, secrets []string) context.Context {
	for _, s := range secrets {
		if s != "" {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s)
			ctx = tflog.MaskMessageStrings(ctx, s)
		}
	}
	return ctx
}
