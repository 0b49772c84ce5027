package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/deployment"
	"github.com/parleychat/parley/internal/protocol"
)

// chatFlags are the settings of `parley chat`.
type chatFlags struct {
	apiURL, rpcURL, deployment, key, store, peer, logFile string
}

func runChat(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet("chat", env)
	var f chatFlags
	fs.stringVar(&f.apiURL, "api", "PARLEY_CHAT_API", "http://127.0.0.1:8080", "Parley API origin")
	fs.stringVar(&f.rpcURL, "rpc-url", "PARLEY_RPC_URL", "http://127.0.0.1:8545", "Ethereum JSON-RPC endpoint, read when registering a new device")
	fs.stringVar(&f.deployment, "deployment", "PARLEY_DEPLOYMENT", "contracts/deployments/31337.json", "contract deployment file (chain id and DeviceRegistry)")
	fs.stringVar(&f.key, "key", "PARLEY_CHAT_KEY", "", "wallet private key, hex")
	fs.stringVar(&f.store, "store", "PARLEY_CHAT_STORE", "", "device key store (default ~/.parley/<account>.key); passphrase in PARLEY_CHAT_PASSPHRASE")
	fs.stringVar(&f.peer, "peer", "PARLEY_CHAT_PEER", "", "address to chat with")
	fs.stringVar(&f.logFile, "log-file", "PARLEY_CHAT_LOG", "", "client log file (default: the key store path + .log)")
	if err := fs.parse(args); err != nil {
		return err
	}
	passphrase := env.Getenv("PARLEY_CHAT_PASSPHRASE")
	if f.key == "" || !common.IsHexAddress(f.peer) || passphrase == "" {
		fmt.Fprintln(fs.Output(), "chat needs -key, -peer and PARLEY_CHAT_PASSPHRASE")
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

	m := newChatModel(ctx, c, apiClient, id, common.HexToAddress(f.peer))
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithOutput(env.Stdout))
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
	err error
}

// safetyMsg carries the computed safety number.
type safetyMsg struct {
	number string
	err    error
}

// chatLine is one line of the history.
type chatLine struct {
	at    time.Time
	mine  bool
	text  string
	state string // "…" sending, "✓" stored by the relay, "✗" failed; empty for theirs and notices
	info  bool
}

// chatModel is the bubbletea model of `parley chat`: history in a viewport above an input line.
type chatModel struct {
	ctx   context.Context
	c     *client.Client
	api   *client.API
	me    client.Identity
	peer  common.Address
	lines []chatLine
	vp    viewport.Model
	in    textinput.Model
	ready bool
}

var (
	styleMe     = lipgloss.NewStyle().Foreground(lipgloss.Color("12")).Bold(true)
	styleThem   = lipgloss.NewStyle().Foreground(lipgloss.Color("10")).Bold(true)
	styleInfo   = lipgloss.NewStyle().Foreground(lipgloss.Color("8")).Italic(true)
	styleHeader = lipgloss.NewStyle().Reverse(true)
)

func newChatModel(ctx context.Context, c *client.Client, api *client.API, me client.Identity, peer common.Address) *chatModel {
	in := textinput.New()
	in.Placeholder = "message, /safety or /quit"
	in.Prompt = "> "
	in.CharLimit = 4000
	in.Focus()
	m := &chatModel{ctx: ctx, c: c, api: api, me: me, peer: peer, in: in}
	m.notice(fmt.Sprintf("you are %s (device %d); chatting with %s", me.Account.Hex(), me.DeviceID, peer.Hex()))
	return m
}

func (m *chatModel) Init() tea.Cmd { return textinput.Blink }

func (m *chatModel) notice(text string) {
	m.lines = append(m.lines, chatLine{at: time.Now(), text: text, info: true})
}

func (m *chatModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.vp = viewport.New(msg.Width, max(msg.Height-3, 1))
		m.in.Width = max(msg.Width-3, 1)
		m.ready = true
	case tea.KeyMsg:
		switch msg.Type {
		case tea.KeyCtrlC, tea.KeyEsc:
			return m, tea.Quit
		case tea.KeyEnter:
			return m, m.submit()
		}
	case receivedMsg:
		if msg.Message != nil && msg.Message.Kind == protocol.KindMessage && msg.Peer == m.peer {
			m.lines = append(m.lines, chatLine{at: time.Now(), mine: msg.Message.Sender == m.me.Account, text: string(msg.Message.Plaintext)})
		}
	case sentMsg:
		m.lines[msg.idx].state = "✓"
		if msg.err != nil {
			m.lines[msg.idx].state = "✗"
			m.notice("send failed: " + msg.err.Error())
		}
	case safetyMsg:
		if msg.err != nil {
			m.notice("safety number: " + msg.err.Error())
		} else {
			m.notice("safety number with " + m.peer.Hex() + ": " + msg.number)
		}
	}
	var cmd tea.Cmd
	m.in, cmd = m.in.Update(msg)
	m.refresh()
	return m, cmd
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
		return func() tea.Msg {
			n, err := m.api.SafetyNumber(m.ctx, m.peer)
			return safetyMsg{number: n, err: err}
		}
	}
	idx := len(m.lines)
	m.lines = append(m.lines, chatLine{at: time.Now(), mine: true, text: text, state: "…"})
	return func() tea.Msg {
		_, err := m.c.Send(m.ctx, m.peer, []byte(text))
		return sentMsg{idx: idx, err: err}
	}
}

// refresh renders the history into the viewport, scrolled to the bottom.
func (m *chatModel) refresh() {
	if !m.ready {
		return
	}
	var b strings.Builder
	for _, l := range m.lines {
		ts := l.at.Format("15:04:05")
		switch {
		case l.info:
			b.WriteString(styleInfo.Render(ts+" · "+l.text) + "\n")
		case l.mine:
			b.WriteString(ts + " " + styleMe.Render("me  ") + " " + l.state + " " + l.text + "\n")
		default:
			b.WriteString(ts + " " + styleThem.Render("them") + "   " + l.text + "\n")
		}
	}
	m.vp.SetContent(lipgloss.NewStyle().Width(m.vp.Width).Render(b.String()))
	m.vp.GotoBottom()
}

func (m *chatModel) View() string {
	if !m.ready {
		return "connecting…"
	}
	header := styleHeader.Render(fmt.Sprintf(" parley chat · %s ↔ %s · ✓ = stored by the relay ", short(m.me.Account), short(m.peer)))
	return header + "\n" + m.vp.View() + "\n" + m.in.View()
}

// short abbreviates an address for the header.
func short(a common.Address) string {
	h := a.Hex()
	return h[:6] + "…" + h[len(h)-4:]
}
