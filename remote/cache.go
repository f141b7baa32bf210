package remote

import (
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// entry is one cached answer: a session and its user, or (both nil) "no
// such session". Entries form a doubly linked list, most recently used
// first.
type entry struct {
	key        cacheKey
	session    *ba.Session // token cleared; nil for "no session"
	user       *ba.User
	expires    time.Time
	prev, next *entry
}

// lru is a bounded least-recently-used cache. It is not safe for
// concurrent use; Source.mu guards it.
type lru struct {
	max     int
	entries map[cacheKey]*entry
	root    entry // sentinel: root.next is the newest, root.prev the oldest
}

func (c *lru) init(maxEntries int) {
	c.max = maxEntries
	c.entries = make(map[cacheKey]*entry)
	c.root.next, c.root.prev = &c.root, &c.root
}

// get returns the live entry for key, or nil. An expired entry is dropped.
func (c *lru) get(key cacheKey, now time.Time) *entry {
	e := c.entries[key]
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		c.unlink(e)
		return nil
	}
	if c.root.next != e {
		c.detach(e)
		c.pushFront(e)
	}
	return e
}

// put stores an answer, evicting the least recently used entry when full.
func (c *lru) put(key cacheKey, sess *ba.Session, user *ba.User, expires time.Time) {
	if e := c.entries[key]; e != nil {
		e.session, e.user, e.expires = sess, user, expires
		c.detach(e)
		c.pushFront(e)
		return
	}
	for len(c.entries) >= c.max {
		c.unlink(c.root.prev)
	}
	e := &entry{key: key, session: sess, user: user, expires: expires}
	c.entries[key] = e
	c.pushFront(e)
}

func (c *lru) remove(key cacheKey) {
	if e := c.entries[key]; e != nil {
		c.unlink(e)
	}
}

// unlink removes e from the list and the map.
func (c *lru) unlink(e *entry) {
	c.detach(e)
	delete(c.entries, e.key)
	e.session, e.user = nil, nil
}

func (c *lru) detach(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (c *lru) pushFront(e *entry) {
	e.prev, e.next = &c.root, c.root.next
	c.root.next.prev = e
	c.root.next = e
}
