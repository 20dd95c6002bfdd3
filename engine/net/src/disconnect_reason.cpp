#include "medverse/net/disconnect_reason.h"

namespace medverse::net {

std::string_view describe(DisconnectCode code) {
  switch (code) {
    case DisconnectCode::ConnectionLost:
      return "connection lost";
    case DisconnectCode::ClientLeft:
      return "client left";
    case DisconnectCode::ServerShutdown:
      return "server shut down";
    case DisconnectCode::Kicked:
      return "removed by the server";
    case DisconnectCode::ProtocolMismatch:
      return "protocol mismatch";
    case DisconnectCode::ProtocolViolation:
      return "protocol violation";
    case DisconnectCode::HandshakeTimeout:
      return "handshake timed out";
    case DisconnectCode::TokenMalformed:
      return "connect token malformed";
    case DisconnectCode::TokenTampered:
      return "connect token tampered with";
    case DisconnectCode::TokenExpired:
      return "connect token expired";
    case DisconnectCode::TokenWrongRoom:
      return "connect token is for another room";
    case DisconnectCode::TokenInUse:
      return "connect token already in use";
    case DisconnectCode::ServerFull:
      return "server full";
    case DisconnectCode::ConnectFailed:
      return "could not reach the server";
  }
  return "unknown reason";
}

std::string toString(const DisconnectReason& reason) {
  std::string text(describe(reason.code));
  if (!reason.detail.empty() && reason.detail != text) {
    text += ": " + reason.detail;
  }
  return text;
}

DisconnectReason reasonFor(DisconnectCode code) {
  return DisconnectReason{code, std::string(describe(code))};
}

}  // namespace medverse::net
