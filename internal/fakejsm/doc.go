// Package fakejsm is a stateful fake of Jira Service Management's Service
// Desk REST API (/rest/servicedeskapi) that listens on loopback. It is a test
// witness: it follows Atlassian's published OpenAPI document
// (testdata/jsm-servicedesk-openapi.json) for paths, query parameters,
// envelopes, status codes and error bodies, and it imports nothing from the
// product it tests.
//
// # What production adds to the document
//
// Atlassian documents its rate limits outside the OpenAPI document, on the
// "Rate limiting" page for Jira Cloud
// (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/, 2026
// edition). The fake models the two limits a reader of the Service Desk API
// meets; both are off until set, and [WithClock] lets tests move their time
// on.
//
// The burst limit ([Server.SetBurstLimit]), per tenant, endpoint and HTTP
// method, a token bucket with a steady rate and a burst buffer; the only
// limit API-token (Basic) traffic meets. On every answer to an API path:
//
//	X-RateLimit-Limit        the burst: the most requests the bucket holds
//	X-RateLimit-Remaining    whole requests left in the bucket
//	X-RateLimit-NearLimit    "true" when less than 20% of the burst is left
//	                         (the page: "less than 20% of any budget remains")
//
// and on its refusal, a 429 with an ErrorResponse body:
//
//	Retry-After              whole seconds until a request fits (rounded up)
//	X-RateLimit-Reset        the request's time plus Retry-After, ISO 8601 to
//	                         the minute as the page gives it (yyyy-MM-ddTHH:mmZ,
//	                         e.g. 2026-03-26T16:00Z; seconds are cut off)
//	RateLimit-Reason         jira-burst-based
//
// The points-based quota ([Server.SetQuota]), per hour by default, for OAuth
// 2.0 apps only: requests with the bearer token through the api.atlassian.com
// gateway path /ex/jira/{cloudId} ([WithBearerToken], [WithGateway]). A GET
// costs 1 point plus 1 per object returned (the page: "each request starts
// with a base cost of 1 point, and additional points are added for each
// object involved"). The base point is charged when the request is admitted,
// the objects when the answer is cut, since only then is their number known;
// a request is refused when no point is left at its admission. On every
// charged answer and on the refusal:
//
//	Beta-RateLimit-Policy       "tenant-app-quota";q=<points>;w=<window seconds>
//	Beta-RateLimit              "tenant-app-quota";r=<points left>;t=<seconds to the reset>
//	X-Beta-RateLimit-NearLimit  "true" when less than 20% of the points are left
//
// and on the refusal, a 429 with an ErrorResponse body:
//
//	Retry-After              whole seconds to the end of the window
//	X-RateLimit-Reset        the end of the window, ISO 8601 to the minute
//	RateLimit-Reason         jira-quota-tenant-based
//
// Jira's login headers (Atlassian's "JIRA REST API Example - Cookie-based
// Authentication": "check for the presence of an X-Seraph-LoginReason header
// ... AUTHENTICATION_DENIED or AUTHENTICATED_FAILED"; Atlassian's knowledge
// base "Connector CAPTCHA_CHALLENGE error on Jira Align Connector" for the
// denied reason and its login-url):
//
//	X-Seraph-LoginReason             OK on every answer to accepted Basic credentials;
//	                                 AUTHENTICATED_FAILED on the anonymous answer to a
//	                                 wrong token ([Server.ServeBadTokensAsAnonymous]:
//	                                 200, empty lists); AUTHENTICATION_DENIED once a
//	                                 CAPTCHA is required ([Server.RequireCaptchaAfter])
//	X-Authentication-Denied-Reason   CAPTCHA_CHALLENGE; login-url=<site>/login.jsp, on
//	                                 the 403 HTML page that refuses a login needing a
//	                                 CAPTCHA
//
// Other answers a misconfigured account gets: the customer's view of an
// account without an agent licence ([Server.ServeAsCustomer], following the
// document's "Response limitations" of GET /request), an HTML page from a
// proxy or single sign-on in front of the site ([Server.ServeHTMLPage]), and
// in gateway mode the gateway's 404 for a cloud id it does not know, in the
// gateway's own envelope {"code": 404, "message": "Not Found"} (the envelope
// of its documented 401 "Unauthorized; scope does not match"; the 404's
// message is the fake's choice).
//
// Header names are case-insensitive; Go sends them canonicalised
// (X-Ratelimit-Limit). Atlassian's page does not publish the rates, burst
// sizes or point budgets of a site: they are the caller's choice.
package fakejsm
