package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/deployment"
	"github.com/parleychat/parley/internal/protocol"
)

// chatFlags are the settings of `parley chat`.
type chatFlags struct {
	apiURL, rpcURL, deployment, key, store, peer, group, logFile string
}

func runChat(ctx context.Context, env *Env, args []string) error {
	return chat(ctx, env, args, tea.WithAltScreen())
}

// chat is `parley chat` with extra terminal options (tests give an input pipe instead of the TTY).
func chat(ctx context.Context, env *Env, args []string, opts ...tea.ProgramOption) error {
	fs := newFlagSet("chat", env)
	var f chatFlags
	fs.stringVar(&f.apiURL, "api", "PARLEY_CHAT_API", "http://127.0.0.1:8080", "Parley API origin")
	fs.stringVar(&f.rpcURL, "rpc-url", "PARLEY_RPC_URL", "http://127.0.0.1:8545", "Ethereum JSON-RPC endpoint: registers a new device and confirms the device keys the API lists")
	fs.stringVar(&f.deployment, "deployment", "PARLEY_DEPLOYMENT", "contracts/deployments/31337.json", "contract deployment file (chain id and DeviceRegistry)")
	fs.stringVar(&f.key, "key", "PARLEY_CHAT_KEY", "", "wallet private key, hex")
	fs.stringVar(&f.store, "store", "PARLEY_CHAT_STORE", "", "device key store (default ~/.parley/<account>.key); passphrase in PARLEY_CHAT_PASSPHRASE")
	fs.stringVar(&f.peer, "peer", "PARLEY_CHAT_PEER", "", "address to chat with")
	fs.stringVar(&f.group, "group", "PARLEY_CHAT_GROUP", "", "id of a group of mine to chat in, instead of -peer")
	fs.stringVar(&f.logFile, "log-file", "PARLEY_CHAT_LOG", "", "client log file (default: the key store path + .log)")
	if err := fs.parse(args); err != nil {
		return err
	}
	passphrase := env.Getenv("PARLEY_CHAT_PASSPHRASE")
	group, groupErr := uuid.Parse(f.group)
	if f.key == "" || passphrase == "" || (f.group == "") == !common.IsHexAddress(f.peer) || (f.group != "" && groupErr != nil) {
		fmt.Fprintln(fs.Output(), "chat needs -key, either -peer (an address) or -group (a group id), and PARLEY_CHAT_PASSPHRASE")
		fs.Usage()
		return errUsage
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(f.key, "0x"))
	if err != nil {
		return fmt.Errorf("chat: wallet key: %w", err)
	}
	dep, err := deployment.Load(f.deployment)
	if err != nil {
		return err
	}
	if f.store == "" {
		f.store = filepath.Join(env.Getenv("HOME"), ".parley", strings.ToLower(crypto.PubkeyToAddress(key.PublicKey).Hex())+".key")
	}
	log, closeLog, err := chatLogger(cmpOr(f.logFile, f.store+".log"))
	if err != nil {
		return err
	}
	defer closeLog()
	eth, err := ethclient.DialContext(ctx, f.rpcURL)
	if err != nil {
		return fmt.Errorf("chat: rpc: %w", err)
	}
	defer eth.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fmt.Fprintln(env.Stdout, "signing in (a new device is registered gaslessly and confirmed on chain first)…")
	apiClient := &client.API{BaseURL: f.apiURL, ChainID: int64(dep.ChainID)}
	c, id, err := client.Start(ctx, client.SessionConfig{API: apiClient, Key: key, Registry: client.Registry{Backend: eth, Address: dep.DeviceRegistry},
		StorePath: f.store, Passphrase: []byte(passphrase), Argon2: protocol.DefaultArgon2, Logger: log})
	if err != nil {
		return err
	}
	runErr := make(chan error, 1)
	go func() { runErr <- c.Run(ctx) }()

	m := newChatModel(ctx, c, apiClient, id, common.HexToAddress(f.peer), group)
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(env.Stdout)}, opts...)...)
	go func() {
		for {
			select {
			case r := <-c.Received():
				p.Send(receivedMsg(r))
			case <-ctx.Done():
				return
			}
		}
	}()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("chat: terminal: %w", err)
	}
	cancel()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// cmpOr returns a unless it is empty, else b.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// chatLogger logs to a file, since the terminal belongs to the chat.
func chatLogger(path string) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("chat: log dir: %w", err)
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("chat: log file: %w", err)
	}
	return slog.New(slog.NewTextHandler(fh, nil)), func() { fh.Close() }, nil
}

// receivedMsg is a decrypted message or frame from the client.
type receivedMsg client.Received

// sentMsg reports the relay's answer to the send of line idx.
type sentMsg struct {
	idx int
	cid string
	err error
}

// safetyMsg carries the computed safety number.
type safetyMsg struct {
	number string
	err    error
}

// typingEndMsg redraws the header once the peer's typing hint has run out.
type typingEndMsg struct{}

// typingHint is how long a typing frame shows "typing…", as in the browser app; one goes out
// at most every half of it while I type.
const typingHint = 5 * time.Second

// peerDevicesMsg reports how many devices the peer has registered.
type peerDevicesMsg struct {
	n   int
	err error
}

// errNoPeerDevice is shown instead of sending to an address that never registered a device.
var errNoPeerDevice = errors.New("the peer has no registered device yet: they sign in to Parley once (browser or parley chat), then you can write")

// frameBody is the ephemeral frame the browser app and this client exchange, e.g.
// {"t":"read","cids":["bafy…"]} or {"t":"typing"}.
type frameBody struct {
	T    string   `json:"t"`
	CIDs []string `json:"cids,omitempty"`
}

// Delivery marks of my lines, in the order they may change.
const (
	markSending   = "…"
	markStored    = "✓"
	markDelivered = "✓✓"
	markRead      = "read"
	markFailed    = "✗"
)

// markRank orders the marks; a receipt never moves a line back.
func markRank(mark string) int {
	return slices.Index([]string{markSending, markStored, markDelivered, markRead}, mark)
}

// lineKind says who wrote a history line.
type lineKind int

const (
	lineNotice lineKind = iota
	lineMine
	lineTheirs
	lineSafety
)

// chatLine is one line of the history.
type chatLine struct {
	at    time.Time
	kind  lineKind
	text  string
	cid   string // envelope CID of a message, once known
	state string // delivery mark of my messages
	from  common.Address
}

// chatModel is the bubbletea model of `parley chat`: history in a viewport above an input line
// and a help line.
type chatModel struct {
	ctx       context.Context
	c         *client.Client
	api       *client.API
	me        client.Identity
	peer      common.Address
	group     uuid.UUID // the group chatted in (-group), uuid.Nil in a direct chat
	peerReady bool      // the peer has a device (or this is a group): sends need no check
	with      string    // who the header says I chat with: the peer or the group
	// post sends a message and hint an ephemeral frame to the conversation (peer or group).
	post     func(text []byte) (string, error)
	hint     func(frame []byte) error
	lines    []chatLine
	receipts map[string]string // marks for CIDs whose send has not returned yet
	typing   time.Time         // the peer is typing until then
	typed    time.Time         // when my last typing frame went out
	vp       viewport.Model
	in       textinput.Model
}

var (
	styleMe     = lipgloss.NewStyle().Foreground(lipgloss.Color("12")).Bold(true)
	styleThem   = lipgloss.NewStyle().Foreground(lipgloss.Color("10")).Bold(true)
	styleInfo   = lipgloss.NewStyle().Foreground(lipgloss.Color("8")).Italic(true)
	styleSafety = lipgloss.NewStyle().Bold(true)
	styleHeader = lipgloss.NewStyle().Reverse(true)
	styleHelp   = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
)

// chatHelp is the help line under the input.
const chatHelp = "enter send · /safety · /quit · pgup/pgdn scroll · ✓ stored ✓✓ delivered read"

func newChatModel(ctx context.Context, c *client.Client, api *client.API, me client.Identity, peer common.Address, group uuid.UUID) *chatModel {
	in := textinput.New()
	in.Placeholder = "message, /safety or /quit"
	in.Prompt = "> "
	in.CharLimit = 4000
	in.Focus()
	// 80×24 until the terminal reports its size (it never does when the output is not a terminal).
	vp := viewport.New(80, 21)
	vp.KeyMap = viewport.KeyMap{PageUp: key.NewBinding(key.WithKeys("pgup")), PageDown: key.NewBinding(key.WithKeys("pgdown"))}
	in.Width = 77
	m := &chatModel{ctx: ctx, c: c, api: api, me: me, peer: peer, group: group, peerReady: group != uuid.Nil, in: in, vp: vp, receipts: map[string]string{}}
	m.with, m.post, m.hint = short(peer), func(b []byte) (string, error) { return c.Send(ctx, peer, b) },
		func(b []byte) error { return c.SendFrame(ctx, peer, b) }
	with, history := peer.Hex(), c.History(peer)
	if group != uuid.Nil {
		m.with, m.post, m.hint = "group "+group.String()[:8], func(b []byte) (string, error) { return c.SendGroup(ctx, group, b) },
			func(b []byte) error { return c.SendGroupFrame(ctx, group, b) }
		with, history = "group "+group.String(), c.GroupHistory(group)
	}
	m.notice(fmt.Sprintf("you are %s (device %d); chatting with %s", me.Account.Hex(), me.DeviceID, with))
	for _, r := range history {
		m.lines = append(m.lines, historyLine(r, r.Message.Sender == me.Account))
	}
	m.refresh()
	return m
}

// historyLine is the line of a message sent (mine) or received: mine show as stored, since
// their later receipts are not kept.
func historyLine(r client.Received, mine bool) chatLine {
	if mine {
		return chatLine{at: r.At, kind: lineMine, text: printable(r.Message.Plaintext), cid: r.CID, state: markStored}
	}
	return chatLine{at: r.At, kind: lineTheirs, text: printable(r.Message.Plaintext), cid: r.CID, from: r.Message.Sender}
}

// printable is a message's text as the terminal may show it: invalid UTF-8, control characters
// (escape sequences, carriage returns) and bidirectional controls become U+FFFD and line breaks
// "↵", so a message can neither act on the terminal nor draw lines of its own.
func printable(text []byte) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return '↵'
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			return unicode.ReplacementChar
		}
		return r
	}, strings.ToValidUTF8(string(text), string(unicode.ReplacementChar)))
}

// shown reports whether the message with cid has a line already.
func (m *chatModel) shown(cid string) bool {
	return slices.ContainsFunc(m.lines, func(l chatLine) bool { return l.cid == cid })
}

func (m *chatModel) Init() tea.Cmd {
	if m.group != uuid.Nil {
		return textinput.Blink
	}
	return tea.Batch(textinput.Blink, m.checkPeer)
}

// checkPeer counts the peer's registered devices.
func (m *chatModel) checkPeer() tea.Msg {
	ms, err := m.api.Devices(m.ctx, m.peer)
	return peerDevicesMsg{n: len(ms), err: err}
}

// notice adds a line of information, shown as text: it may quote a peer, the relay or the API.
func (m *chatModel) notice(text string) {
	m.lines = append(m.lines, chatLine{at: time.Now(), text: printable([]byte(text))})
}

func (m *chatModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes && len(k.Runes) > 1 {
		// A burst of text (a paste without bracketed paste, tmux send-keys, a slow link) is text:
		// marked as a paste, a word like "up" or "end" is not taken for that key by the input.
		k.Paste = true
		msg = k
	}
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.vp.Width, m.vp.Height = msg.Width, max(msg.Height-3, 1)
		m.in.Width = max(msg.Width-3, 1)
	case tea.KeyMsg:
		switch msg.Type {
		case tea.KeyCtrlC, tea.KeyEsc:
			return m, tea.Quit
		case tea.KeyEnter:
			return m, m.submit()
		case tea.KeyPgUp, tea.KeyPgDown:
			var cmd tea.Cmd
			m.vp, cmd = m.vp.Update(msg)
			return m, cmd
		}
	case receivedMsg:
		cmds = append(cmds, m.receive(client.Received(msg)))
	case sentMsg:
		l := &m.lines[msg.idx]
		if msg.err != nil {
			l.state = markFailed
			m.notice("send failed: " + msg.err.Error())
			break
		}
		l.cid, l.state = msg.cid, markStored
		if mark, ok := m.receipts[msg.cid]; ok {
			delete(m.receipts, msg.cid)
			m.mark([]string{msg.cid}, mark)
		}
	case safetyMsg:
		if msg.err != nil {
			m.notice("safety number: " + msg.err.Error())
			break
		}
		m.notice("safety number with " + short(m.peer) + ", compare it out of band:")
		m.lines = append(m.lines, chatLine{at: time.Now(), kind: lineSafety, text: msg.number})
	case peerDevicesMsg:
		switch {
		case msg.err != nil:
			m.notice("devices of " + m.peer.Hex() + ": " + msg.err.Error())
		case msg.n == 0:
			m.notice(errNoPeerDevice.Error())
		default:
			m.peerReady = true
		}
	}
	var cmd tea.Cmd
	m.in, cmd = m.in.Update(msg)
	if k, ok := msg.(tea.KeyMsg); ok && (k.Type == tea.KeyRunes || k.Type == tea.KeySpace) &&
		!strings.HasPrefix(m.in.Value(), "/") && time.Since(m.typed) > typingHint/2 {
		m.typed = time.Now() // a message is being written (not a command): tell the peer
		cmds = append(cmds, m.sendFrame(frameBody{T: "typing"}))
	}
	m.refresh()
	return m, tea.Batch(append(cmds, cmd)...)
}

// receive shows a message of the conversation and answers it with a read receipt, or applies
// the peer's receipt frame to my lines.
func (m *chatModel) receive(r client.Received) tea.Cmd {
	if r.Message == nil {
		return nil
	}
	mine := r.Message.Sender == m.me.Account
	if r.Group != m.group || (m.group == uuid.Nil && r.Peer != m.peer) {
		if r.Message.Kind == protocol.KindMessage && !mine {
			where := ""
			if r.Group != uuid.Nil {
				where = " in group " + r.Group.String()
			}
			m.notice(fmt.Sprintf("message from %s%s: %s", r.Message.Sender.Hex(), where, r.Message.Plaintext))
		}
		return nil
	}
	switch r.Message.Kind {
	case protocol.KindMessage:
		// The history the chat opened with may hold it already (the client records a message as
		// it hands it over); it is shown once, and read now either way.
		if !m.shown(r.CID) {
			m.lines = append(m.lines, historyLine(r, mine))
		}
		if mine { // sent from another device of mine
			return nil
		}
		m.peerReady, m.typing = true, time.Time{}
		return m.sendFrame(frameBody{T: "read", CIDs: []string{r.CID}})
	case protocol.KindFrame:
		var f frameBody
		if mine || json.Unmarshal(r.Message.Plaintext, &f) != nil {
			return nil
		}
		switch f.T {
		case "typing":
			m.typing = time.Now().Add(typingHint)
			return tea.Tick(typingHint, func(time.Time) tea.Msg { return typingEndMsg{} })
		case "delivered":
			m.mark(f.CIDs, markDelivered)
		case "read":
			m.mark(f.CIDs, markRead)
		}
	}
	return nil
}

// sendFrame sends f to the peer's online devices: a read receipt for a message shown here, or
// a typing hint.
func (m *chatModel) sendFrame(f frameBody) tea.Cmd {
	return func() tea.Msg {
		b, _ := json.Marshal(f)
		_ = m.hint(b) // a hint: a lost one only leaves a mark at ✓ or no "typing…"
		return nil
	}
}

// mark raises the delivery mark of my lines with the given CIDs (a read receipt also of my
// earlier lines, as the browser does) and keeps marks for CIDs whose send has not returned yet.
func (m *chatModel) mark(cids []string, mark string) {
	last := -1
	for _, cid := range cids {
		i := slices.IndexFunc(m.lines, func(l chatLine) bool { return l.kind == lineMine && l.cid == cid })
		if i < 0 {
			if markRank(mark) > markRank(m.receipts[cid]) {
				m.receipts[cid] = mark
			}
			continue
		}
		last = max(last, i)
	}
	for i := range m.lines[:last+1] {
		l := &m.lines[i]
		hit := slices.Contains(cids, l.cid)
		if l.kind == lineMine && l.cid != "" && (hit || mark == markRead) && markRank(mark) > markRank(l.state) {
			l.state = mark
		}
	}
}

// submit handles the input line: a command or a message to send.
func (m *chatModel) submit() tea.Cmd {
	text := strings.TrimSpace(m.in.Value())
	m.in.Reset()
	switch text {
	case "":
		return nil
	case "/quit":
		return tea.Quit
	case "/safety":
		if m.group != uuid.Nil {
			m.notice("safety numbers are per person: compare them in a direct chat (parley chat -peer <address>)")
			return nil
		}
		return func() tea.Msg {
			n, err := m.api.SafetyNumber(m.ctx, m.peer)
			return safetyMsg{number: n, err: err}
		}
	}
	m.typed = time.Time{} // the message ends my typing: the next keystroke announces again
	idx := len(m.lines)
	m.lines = append(m.lines, chatLine{at: time.Now(), kind: lineMine, text: text, state: markSending})
	m.refresh()
	checked := m.peerReady
	return func() tea.Msg {
		if !checked {
			if d := m.checkPeer().(peerDevicesMsg); d.err == nil && d.n == 0 {
				return sentMsg{idx: idx, err: errNoPeerDevice}
			}
		}
		cid, err := m.post([]byte(text))
		return sentMsg{idx: idx, cid: cid, err: err}
	}
}

// refresh renders the history into the viewport, following the bottom unless scrolled up.
func (m *chatModel) refresh() {
	var b strings.Builder
	for _, l := range m.lines {
		ts := l.at.Format("15:04:05")
		switch l.kind {
		case lineNotice:
			b.WriteString(styleInfo.Render(ts+" · "+l.text) + "\n")
		case lineSafety:
			b.WriteString("   " + styleSafety.Render(l.text) + "\n")
		case lineMine:
			fmt.Fprintf(&b, "%s %s %-4s %s\n", ts, styleMe.Render("me  "), l.state, l.text)
		case lineTheirs:
			who := "them"
			if m.group != uuid.Nil {
				who = short(l.from)
			}
			fmt.Fprintf(&b, "%s %s      %s\n", ts, styleThem.Render(who), l.text)
		}
	}
	bottom := m.vp.AtBottom()
	m.vp.SetContent(lipgloss.NewStyle().Width(m.vp.Width).Render(b.String()))
	if bottom {
		m.vp.GotoBottom()
	}
}

func (m *chatModel) View() string {
	typing := ""
	if time.Now().Before(m.typing) {
		typing = "· typing… "
	}
	header := styleHeader.Render(fmt.Sprintf(" parley chat · %s ↔ %s %s", short(m.me.Account), m.with, typing))
	help := styleHelp.Render(lipgloss.NewStyle().MaxWidth(m.vp.Width).Render(chatHelp))
	return header + "\n" + m.vp.View() + "\n" + m.in.View() + "\n" + help
}

// short abbreviates an address for the header.
func short(a common.Address) string {
	h := a.Hex()
	return h[:6] + "…" + h[len(h)-4:]
}
