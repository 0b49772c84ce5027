package client

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley/internal/protocol"
)

// TestHistoryKeepsTheLatest checks that a conversation's history keeps the latest messages up
// to the limit, oldest dropped first.
func TestHistoryKeepsTheLatest(t *testing.T) {
	var conv conversation
	for i := range 5 {
		conv.record(Received{CID: fmt.Sprint(i), Message: &protocol.Message{}}, 3)
	}
	if len(conv.history) != 3 || conv.history[0].CID != "2" || conv.history[2].CID != "4" {
		t.Fatalf("history %+v, want messages 2, 3 and 4", conv.history)
	}
}
