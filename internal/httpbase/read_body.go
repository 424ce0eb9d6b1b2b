package httpbase

import (
	"bytes"
	"io"
	"net/http"
)

// readBody reads at most MaxBodyBytes+1 bytes of an answer. The buffer starts
// at the Content-Length the server states or, for a chunked answer, a little
// above the size of the client's last answer (a list's pages are alike), so
// that a large body is not copied and cleared through a dozen doublings.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	limit := int64(c.s.MaxBodyBytes) + 1
	size := resp.ContentLength
	if size < 0 {
		last := c.lastBodyBytes.Load()
		size = last + last/8
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size+bytes.MinRead, limit+bytes.MinRead)))
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, limit))
	c.lastBodyBytes.Store(int64(buf.Len()))
	return buf.Bytes(), err
}
