package weburl

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Origin returns the WHATWG serialisation of raw's origin. raw must be an
// absolute http or https URL.
func Origin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("not a URL")
	}
	scheme := strings.ToLower(u.Scheme)
	defaultPort := map[string]uint64{"http": 80, "https": 443}[scheme]
	if defaultPort == 0 {
		return "", errors.New("scheme is not http or https")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return "", errors.New("no host")
	}
	host, err := serialiseHost(u.Hostname(), strings.HasPrefix(u.Host, "["))
	if err != nil {
		return "", err
	}
	out := scheme + "://" + host
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return "", errors.New("port is not a number up to 65535")
		}
		if n != defaultPort {
			out += ":" + strconv.FormatUint(n, 10)
		}
	}
	// An empty port ("host:") is dropped, as the standard does.
	return out, nil
}

func serialiseHost(host string, bracketed bool) (string, error) {
	if bracketed {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", errors.New("not an IPv6 address")
		}
		return "[" + ipv6(a.As16()) + "]", nil
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return "", errors.New("host needs IDNA: write its ASCII (xn--) form")
		}
	}
	host = strings.ToLower(host)
	if !endsInNumber(host) {
		return host, nil
	}
	v4, err := parseIPv4(host)
	if err != nil {
		return "", err
	}
	return netip.AddrFrom4(v4).String(), nil
}

// endsInNumber is the standard's "ends in a number" check: the last label
// (ignoring one trailing dot) is decimal digits or 0x followed by hex.
func endsInNumber(host string) bool {
	labels := strings.Split(host, ".")
	if labels[len(labels)-1] == "" {
		if len(labels) == 1 {
			return false
		}
		labels = labels[:len(labels)-1]
	}
	last := labels[len(labels)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	if rest, ok := strings.CutPrefix(last, "0x"); ok && strings.Trim(rest, "0123456789abcdef") == "" {
		return true
	}
	return false
}

// parseIPv4 is the standard's IPv4 parser: up to four parts, each decimal,
// 0x-hex or 0-octal, the last one filling the remaining bytes.
func parseIPv4(host string) ([4]byte, error) {
	bad := errors.New("host is not a valid IPv4 address")
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return [4]byte{}, bad
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case p == "":
			return [4]byte{}, bad
		case strings.HasPrefix(p, "0x"):
			p, base = p[2:], 16
		case len(p) > 1 && p[0] == '0':
			p, base = p[1:], 8
		}
		if p == "" {
			nums[i] = 0 // "0x" alone is zero
			continue
		}
		n, err := strconv.ParseUint(p, base, 64)
		if err != nil || n > 1<<32-1 {
			return [4]byte{}, bad
		}
		nums[i] = n
	}
	last := nums[len(nums)-1]
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return [4]byte{}, bad
		}
	}
	if last >= 1<<(8*(5-len(nums))) {
		return [4]byte{}, bad
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, nil
}

// ipv6 is the standard's IPv6 serialiser: eight lower-case hex pieces, the
// first longest run of two or more zero pieces written as "::", and never
// a dotted IPv4 tail (netip writes ::ffff:1.2.3.4; Node ::ffff:102:304).
func ipv6(b [16]byte) string {
	var pieces [8]uint16
	for i := range pieces {
		pieces[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	start, length := -1, 1
	for i := 0; i < 8; {
		if pieces[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && pieces[j] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = j
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if i == start {
			sb.WriteString("::")
			i += length - 1
			continue
		}
		if i > 0 && i != start+length {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.FormatUint(uint64(pieces[i]), 16))
	}
	return sb.String()
}
