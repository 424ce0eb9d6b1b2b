package jsm

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// The API gateway of Atlassian's scoped API tokens and OAuth 2.0 apps.
const (
	gatewayHost       = "api.atlassian.com"
	gatewayJiraPrefix = "/ex/jira/"
	// TenantInfoHint says where a site's cloud id is shown.
	TenantInfoHint = "https://your-domain.atlassian.net/_edge/tenant_info shows your site's cloudId"
)

// uiPathMarkers begin the paths of pages in the browser, which are never
// part of an API base URL. What precedes them may be a Data Center context
// path, such as /jira.
var uiPathMarkers = []string{"/servicedesk/projects/", "/servicedesk/customer/", "/browse/", "/secure/"}

// ParseSiteURL checks a JSM base URL and returns it without a trailing slash
// or /rest/servicedeskapi. Besides httpbase.ParseBaseURL's checks, it
// refuses what a browser's address bar suggests but the API does not serve:
// a page path on the site, and the gateway without /ex/jira/{cloudId}.
func ParseSiteURL(raw string) (*url.URL, error) {
	base, err := httpbase.ParseBaseURL("JSM", raw, "https://your-domain.atlassian.net", APIPrefix)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(base.Hostname(), gatewayHost) {
		return base, checkGatewayPath(raw, base)
	}
	return base, checkSitePath(raw, base)
}

func checkGatewayPath(raw string, base *url.URL) error {
	id, ok := strings.CutPrefix(base.Path, gatewayJiraPrefix)
	if ok && id != "" && !strings.Contains(id, "/") {
		return nil
	}
	return fmt.Errorf("the JSM base URL %q is Atlassian's API gateway without the path of a Jira site: use "+
		"https://api.atlassian.com/ex/jira/<cloudId> (%s), or the site URL https://your-domain.atlassian.net "+
		"with an API token without scopes", raw, TenantInfoHint)
}

func checkSitePath(raw string, base *url.URL) error {
	site := base.Scheme + "://" + base.Host
	if strings.HasSuffix(strings.ToLower(base.Hostname()), ".atlassian.net") && base.Path != "" {
		return fmt.Errorf("the JSM base URL %q has the path %q, but a Jira Cloud site serves its API at its root: use %s "+
			"(the address of a page in the browser is not the base URL)", raw, base.Path, site)
	}
	for _, marker := range uiPathMarkers {
		if i := strings.Index(base.Path+"/", marker); i >= 0 {
			return fmt.Errorf("the JSM base URL %q is the address of a page in the browser (%s…): use the site's URL %s "+
				"without the page's path", raw, marker, site+base.Path[:i])
		}
	}
	return nil
}

// cloudIDOf is the cloud id of a gateway base URL (/ex/jira/{cloudId}), ""
// for a site.
func cloudIDOf(base *url.URL) string {
	id, ok := strings.CutPrefix(base.Path, gatewayJiraPrefix)
	if !ok || strings.Contains(id, "/") {
		return ""
	}
	return id
}
