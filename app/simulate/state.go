package simulate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"
)

// stateVersion is the layout of the state file; a file of another version
// is refused rather than half read.
const stateVersion = 1

// stateFile is what a simulator with Options.StateFile keeps between runs:
// the walls and chats with their comments, the replies received, the guids
// seen and the event and update counters, so a restarted simulator is the
// same network to the app — a retried send with a known guid still lands
// once, and the app's cursors stay valid.
type stateFile struct {
	Version  int            `json:"version"`
	VK       vkSnapshot     `json:"vk"`
	Telegram tgSnapshot     `json:"telegram"`
	Sent     []SentItem     `json:"sent"`
	Calls    map[string]int `json:"calls,omitempty"`
	SavedAt  time.Time      `json:"saved_at"`
}

type vkSnapshot struct {
	GroupID   int64                `json:"group_id"`
	Posts     []int64              `json:"posts"`
	PostText  map[int64]string     `json:"post_text"`
	PostDate  map[int64]int64      `json:"post_date"`
	Comments  map[int64]*vkComment `json:"comments"`
	Top       map[int64][]int64    `json:"top"`
	NextID    int64                `json:"next_id"`
	NextPost  int64                `json:"next_post"`
	GUIDs     map[string]int64     `json:"guids"`
	PostGUIDs map[string]int64     `json:"post_guids"`
	Events    []vkEvent            `json:"events"`
	TS        int64                `json:"ts"`
	Key       string               `json:"key"`
}

type tgSnapshot struct {
	ChannelID int64             `json:"channel_id"`
	ChatID    int64             `json:"chat_id"`
	Msgs      map[int64]*tgMsg  `json:"messages"`
	Forwards  []int64           `json:"forwards"`
	NextMsg   int64             `json:"next_message"`
	NextChan  int64             `json:"next_channel_message"`
	Updates   []json.RawMessage `json:"updates"`
	FirstID   int64             `json:"first_update_id"`
}

// snapshot copies the state for saving; s.mu is held. The maps and slices
// are marshalled before the lock is released, so sharing them is safe.
func (s *Server) snapshot() stateFile {
	v, t := s.vk, s.tg
	return stateFile{
		Version: stateVersion,
		VK: vkSnapshot{GroupID: s.opts.VKGroupID, Posts: v.posts, PostText: v.postText, PostDate: v.postDate,
			Comments: v.comments, Top: v.top, NextID: v.nextID, NextPost: v.nextPost, GUIDs: v.guids,
			PostGUIDs: v.postGUID, Events: v.events, TS: v.ts, Key: v.key},
		Telegram: tgSnapshot{ChannelID: s.opts.ChannelID, ChatID: t.chatID, Msgs: t.msgs, Forwards: t.forwards,
			NextMsg: t.nextMsg, NextChan: t.nextChan, Updates: t.updates, FirstID: t.firstID},
		Sent:    s.sent,
		Calls:   s.calls,
		SavedAt: time.Now().UTC(),
	}
}

// restore replaces the fresh state with a saved one; s.mu is held or the
// server is not serving yet.
func (s *Server) restore(st stateFile) error {
	if st.Version != stateVersion {
		return fmt.Errorf("state file version %d, this simulator reads %d", st.Version, stateVersion)
	}
	if st.VK.GroupID != s.opts.VKGroupID || st.Telegram.ChannelID != s.opts.ChannelID {
		return fmt.Errorf("state file is of VK community %d and Telegram channel %d, not %d and %d",
			st.VK.GroupID, st.Telegram.ChannelID, s.opts.VKGroupID, s.opts.ChannelID)
	}
	if len(st.VK.Posts) == 0 || len(st.Telegram.Forwards) == 0 || st.VK.Comments == nil || st.Telegram.Msgs == nil {
		return errors.New("state file has no posts: it is not a simulator's state")
	}
	v := s.vk
	v.posts, v.postText, v.postDate, v.comments, v.top = st.VK.Posts, st.VK.PostText, st.VK.PostDate, st.VK.Comments, st.VK.Top
	v.nextID, v.nextPost, v.events, v.ts, v.key = st.VK.NextID, st.VK.NextPost, st.VK.Events, st.VK.TS, st.VK.Key
	v.guids, v.postGUID = orEmpty(st.VK.GUIDs), orEmpty(st.VK.PostGUIDs)
	if v.top == nil {
		v.top = map[int64][]int64{}
	}
	t := s.tg
	t.chatID, t.msgs, t.forwards, t.nextMsg, t.nextChan = st.Telegram.ChatID, st.Telegram.Msgs, st.Telegram.Forwards, st.Telegram.NextMsg, st.Telegram.NextChan
	t.updates, t.firstID = st.Telegram.Updates, st.Telegram.FirstID
	s.sent = st.Sent
	if st.Calls != nil {
		s.calls = st.Calls
	}
	return nil
}

func orEmpty(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}

// load reads the state file; a missing file is a fresh start.
func (s *Server) load() error {
	b, err := os.ReadFile(s.opts.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("state file %s: %w", s.opts.StateFile, err)
	}
	if err := s.restore(st); err != nil {
		return fmt.Errorf("state file %s: %w", s.opts.StateFile, err)
	}
	return nil
}

// save writes the state atomically (a temporary file renamed over the old
// one), so a simulator killed mid-write leaves the previous state whole.
// Saves are serialised; each writes the state as of its own call.
func (s *Server) save() error {
	if s.opts.StateFile == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	b, err := json.Marshal(s.snapshot())
	s.dirty = false
	s.mu.Unlock()
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.opts.StateFile)
	f, err := os.CreateTemp(dir, filepath.Base(s.opts.StateFile)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.opts.StateFile)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("simulate: save state: %w", err)
	}
	return nil
}

// saveLogged saves and remembers the first failure for Close to report.
func (s *Server) saveLogged() {
	if err := s.save(); err != nil {
		s.mu.Lock()
		if s.saveErr == nil {
			s.saveErr = err
		}
		s.mu.Unlock()
	}
}

// Port is the port the server listens on; a restarted simulator given the
// same Port and StateFile is the same network at the same address.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }
