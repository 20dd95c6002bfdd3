#pragma once
// Why a connection ended or was refused. The code travels in ENet's
// disconnect data (a uint32), so the other side learns it even when no other
// packet gets through; a human-readable detail travels in a Reject or Goodbye
// message when there is one (docs/PROTOCOL.md).
#include <cstdint>
#include <string>
#include <string_view>

namespace medverse::net {

enum class DisconnectCode : uint32_t {
  // ENet reports 0 when a peer timed out or vanished without saying why.
  ConnectionLost = 0,
  ClientLeft = 1,
  ServerShutdown = 2,
  Kicked = 3,
  ProtocolMismatch = 4,   // different protocol id or channel count
  ProtocolViolation = 5,  // a message that is not allowed at this point
  HandshakeTimeout = 6,
  TokenMalformed = 7,
  TokenTampered = 8,
  TokenExpired = 9,
  TokenWrongRoom = 10,
  TokenInUse = 11,  // another live connection holds this token
  ServerFull = 12,
  ConnectFailed = 13,  // local only: no answer from the server
};

struct DisconnectReason {
  DisconnectCode code = DisconnectCode::ConnectionLost;
  std::string detail;  // may be empty
};

// A short phrase per code ("token expired"); "unknown reason" for codes this
// build does not know (a newer peer may send them).
[[nodiscard]] std::string_view describe(DisconnectCode code);

// "token expired: token expired 12 s ago", or just the phrase without detail.
[[nodiscard]] std::string toString(const DisconnectReason& reason);

// A reason with the standard phrase as its detail.
[[nodiscard]] DisconnectReason reasonFor(DisconnectCode code);

}  // namespace medverse::net
