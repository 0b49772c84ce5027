package ipfs

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/gateway"
	"github.com/prometheus/client_golang/prometheus"
)

// gatewayRetrievalTimeout bounds a gateway response: every block is local, so a request that
// waits this long is stuck, not slow.
const gatewayRetrievalTimeout = 30 * time.Second

// newGateway returns boxo's gateway over bserv, restricted to trustless responses (raw blocks
// and CAR), mounted at /ipfs/ and answering 404 to every other path.
func newGateway(bserv blockservice.BlockService, reg prometheus.Registerer) (http.Handler, error) {
	backend, err := gateway.NewBlocksBackend(bserv, gateway.WithPrometheusRegistry(reg))
	if err != nil {
		return nil, fmt.Errorf("ipfs: gateway backend: %w", err)
	}
	h := gateway.NewHandler(gateway.Config{
		DeserializedResponses: false,
		NoDNSLink:             true,
		DisableHTMLErrors:     true,
		RetrievalTimeout:      gatewayRetrievalTimeout,
		MetricsRegistry:       reg,
	}, backend)
	mux := http.NewServeMux()
	mux.Handle("/ipfs/", h)
	return mux, nil
}
