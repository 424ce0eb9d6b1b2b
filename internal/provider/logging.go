package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger routes the clients' request logs to tflog.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
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
