#pragma once
// The secure transport on ENet, in one include: channels, connect tokens,
// the server and the client. docs/PROTOCOL.md describes the wire format.
#include "medverse/net/channel.h"            // IWYU pragma: export
#include "medverse/net/client.h"             // IWYU pragma: export
#include "medverse/net/connect_token.h"      // IWYU pragma: export
#include "medverse/net/connection_stats.h"   // IWYU pragma: export
#include "medverse/net/disconnect_reason.h"  // IWYU pragma: export
#include "medverse/net/key.h"                // IWYU pragma: export
#include "medverse/net/reconnect_policy.h"   // IWYU pragma: export
#include "medverse/net/server.h"             // IWYU pragma: export
#include "medverse/net/timeouts.h"           // IWYU pragma: export
