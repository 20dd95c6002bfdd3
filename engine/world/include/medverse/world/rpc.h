#pragma once
// Remote procedure calls, described once like properties: an id, a name,
// who calls whom, reliability, and the parameter struct's property table.
//
//   Server     client → server (intents: grab, move, annotate, ...)
//   Client     server → one client (a refusal)
//   Multicast  server → every client the target actor is relevant to
//
// Reliable RPCs travel on the Control channel, in order, each once.
// Unreliable server RPCs ride in the client's next input message (Input
// channel), so the owner's transform stream shares the avatar's packets.
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "medverse/core/bitstream.h"
#include "medverse/world/properties.h"
#include "medverse/world/world.h"

namespace medverse::world {

enum class RpcKind : uint8_t { Server, Client, Multicast };
using RpcId = uint16_t;

struct RpcDesc {
  RpcId id = 0;
  std::string name;
  RpcKind kind = RpcKind::Server;
  bool reliable = true;
  const TypeInfo* params = nullptr;
};

// A parameter struct P declares `static const RpcDesc& rpc();`, usually via
// makeRpc<P>(...) in a function-local static.
template <typename P>
RpcDesc makeRpc(RpcId id, std::string name, RpcKind kind, bool reliable, const TypeInfo& params) {
  return {id, std::move(name), kind, reliable, &params};
}

// The body of an RPC message: rpc id, target actor (0 = the session), then
// the parameters in table order.
template <typename P>
void writeRpc(BitWriter& out, NetId target, const P& params) {
  const RpcDesc& desc = P::rpc();
  out.writeVarUint(desc.id);
  out.writeVarUint(target);
  writeAll(out, *desc.params, &params);
}

// Decodes RPC bodies and calls the handler registered for the id. Ctx is
// whatever the receiver passes through (the sending client, on a server).
template <typename Ctx>
class RpcDispatcher {
 public:
  template <typename P>
  void on(std::function<void(Ctx&, NetId, const P&)> handler) {
    const RpcDesc& desc = P::rpc();
    handlers_[desc.id] = Entry{&desc, [handler](Ctx& ctx, NetId target, BitReader& in) {
                                 P params{};
                                 if (!readAll(in, *P::rpc().params, &params)) {
                                   return false;
                                 }
                                 handler(ctx, target, params);
                                 return true;
                               }};
  }

  enum class Outcome : uint8_t { Handled, UnknownRpc, WrongDirection, Malformed };

  // Reads one RPC from `in`; `expected` rejects an RPC meant for the other
  // direction (a client calling a Client RPC on the server).
  Outcome dispatch(Ctx& ctx, BitReader& in, std::initializer_list<RpcKind> expected,
                   std::string* name = nullptr) {
    const auto id = static_cast<RpcId>(in.readVarUint());
    const auto target = static_cast<NetId>(in.readVarUint());
    if (!in.ok()) {
      return Outcome::Malformed;
    }
    auto it = handlers_.find(id);
    if (it == handlers_.end()) {
      return Outcome::UnknownRpc;
    }
    if (name != nullptr) {
      *name = it->second.desc->name;
    }
    bool allowed = false;
    for (RpcKind k : expected) {
      allowed = allowed || k == it->second.desc->kind;
    }
    if (!allowed) {
      return Outcome::WrongDirection;
    }
    return it->second.call(ctx, target, in) ? Outcome::Handled : Outcome::Malformed;
  }

 private:
  struct Entry {
    const RpcDesc* desc = nullptr;
    std::function<bool(Ctx&, NetId, BitReader&)> call;
  };
  std::unordered_map<RpcId, Entry> handlers_;
};

}  // namespace medverse::world
