package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// jsmLimits are the flags of Atlassian's limits and of the OAuth 2.0 traffic
// that the quota charges.
type jsmLimits struct {
	burstRate   float64
	burst       int
	quotaPoints int
	quotaWindow time.Duration
	cloudID     string
	oauthToken  string
}

func (l *jsmLimits) register(fs *flag.FlagSet) {
	fs.Float64Var(&l.burstRate, "jsm-burst-rate", 0, "Atlassian's burst limit on the fake JSM: requests per second each endpoint and method\n"+
		"refills (0: no burst limit); answers carry X-RateLimit-* headers, and a request\n"+
		"over the limit gets 429 with RateLimit-Reason: jira-burst-based")
	fs.IntVar(&l.burst, "jsm-burst", 0, "the burst buffer of -jsm-burst-rate: the most requests an endpoint takes at once\n"+
		"(0: the rate rounded up)")
	fs.IntVar(&l.quotaPoints, "jsm-quota-points", 0, "Atlassian's points-based quota on the fake JSM: points per window for the OAuth 2.0\n"+
		"traffic of -jsm-oauth-token through -jsm-cloud-id (0: no quota); a GET costs 1\n"+
		"point plus 1 per object returned; API-token traffic is never charged")
	fs.DurationVar(&l.quotaWindow, "jsm-quota-window", fakejsm.DefaultQuotaWindow, "the window of -jsm-quota-points, in whole seconds")
	fs.StringVar(&l.cloudID, "jsm-cloud-id", "", "serve the fake JSM as the api.atlassian.com gateway does, under /ex/jira/`cloud-id`")
	fs.StringVar(&l.oauthToken, "jsm-oauth-token", "", "also accept this OAuth 2.0 access `token` as Authorization: Bearer, and print it as\n"+
		"JSM_API_TOKEN with JSM_AUTH_TYPE=bearer")
}

func (l *jsmLimits) validate() error {
	switch {
	case l.burstRate < 0 || math.IsInf(l.burstRate, 0) || math.IsNaN(l.burstRate):
		return fmt.Errorf("-jsm-burst-rate %v: give a number of requests per second above 0, or 0 for no burst limit", l.burstRate)
	case l.burst < 0:
		return fmt.Errorf("-jsm-burst %d: give a number of requests above 0, or 0 for the rate rounded up", l.burst)
	case l.burst > 0 && l.burstRate == 0:
		return errors.New("-jsm-burst needs -jsm-burst-rate: set the rate the bucket refills at")
	case l.quotaPoints < 0:
		return fmt.Errorf("-jsm-quota-points %d: give a number of points above 0, or 0 for no quota", l.quotaPoints)
	case l.quotaWindow < time.Second:
		return fmt.Errorf("-jsm-quota-window %s: give a window of at least 1s", l.quotaWindow)
	case l.quotaPoints > 0 && (l.cloudID == "" || l.oauthToken == ""):
		return errors.New("-jsm-quota-points charges only OAuth 2.0 traffic through the gateway: add -jsm-cloud-id and -jsm-oauth-token")
	}
	return nil
}

func (l *jsmLimits) options() []fakejsm.Option {
	var opts []fakejsm.Option
	if l.cloudID != "" {
		opts = append(opts, fakejsm.WithGateway(l.cloudID))
	}
	if l.oauthToken != "" {
		opts = append(opts, fakejsm.WithBearerToken(l.oauthToken))
	}
	return opts
}

func (l *jsmLimits) burstSize() int {
	if l.burst > 0 {
		return l.burst
	}
	return max(int(math.Ceil(l.burstRate)), 1)
}

func (l *jsmLimits) apply(s *fakejsm.Server) {
	if l.burstRate > 0 {
		s.SetBurstLimit(l.burstRate, l.burstSize())
	}
	if l.quotaPoints > 0 {
		s.SetQuota(l.quotaPoints, l.quotaWindow)
	}
}

// jsmEnv is the JSM half of the export lines.
func (l *jsmLimits) jsmEnv(baseURL string) string {
	if l.oauthToken != "" {
		return fmt.Sprintf("export JSM_BASE_URL=%s\nexport JSM_AUTH_TYPE=bearer\nexport JSM_API_TOKEN=%s\n", baseURL, l.oauthToken)
	}
	return fmt.Sprintf("export JSM_BASE_URL=%s\nexport JSM_USERNAME=%s\nexport JSM_API_TOKEN=%s\n",
		baseURL, fakejsm.DefaultEmail, fakejsm.DefaultAPIToken)
}

// summary describes the limits in force for the first output line.
func (l *jsmLimits) summary() string {
	s := ""
	if l.burstRate > 0 {
		s += fmt.Sprintf("; burst limit %g/s, burst %d", l.burstRate, l.burstSize())
	}
	if l.quotaPoints > 0 {
		s += fmt.Sprintf("; quota %d points per %s", l.quotaPoints, l.quotaWindow)
	}
	return s
}
