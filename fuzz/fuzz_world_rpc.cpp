// Fuzz target: RPC argument decoding (rpc.h, intents.h). Every intent a
// client can send and every RPC a server sends is registered with an
// RpcDispatcher, as WorldServer and WorldClient register theirs, and the input
// is dispatched as an RPC body in both directions. A handler checks that the
// decoded arguments re-encode to an RPC body that decodes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "fuzz_support.h"
#include "medverse/core/bitstream.h"
#include "medverse/world/intents.h"
#include "medverse/world/rpc.h"

using namespace medverse;
using namespace medverse::world;

namespace {

struct Ctx {
  int handled = 0;
};

// Decoded arguments re-encode to a body that decodes again. (Not bit for bit:
// quantized rotations and scales from arbitrary bits are normalized when
// written, so a hostile encoding need not survive unchanged.)
template <typename P>
void roundTrip(NetId target, const P& params) {
  BitWriter first;
  writeRpc(first, target, params);
  BitReader in(first.bytes());
  (void)in.readVarUint();  // id
  MEDVERSE_FUZZ_CHECK(static_cast<NetId>(in.readVarUint()) == target);
  P again{};
  MEDVERSE_FUZZ_CHECK(readAll(in, *P::rpc().params, &again));
  MEDVERSE_FUZZ_CHECK(in.bitsRemaining() < 8);
}

template <typename P>
void add(RpcDispatcher<Ctx>& d) {
  d.on<P>([](Ctx& ctx, NetId target, const P& params) {
    ++ctx.handled;
    roundTrip(target, params);
  });
}

RpcDispatcher<Ctx> makeDispatcher() {
  RpcDispatcher<Ctx> d;
  add<GrabIntent>(d);
  add<ReleaseIntent>(d);
  add<MoveIntent>(d);
  add<SetPresetIntent>(d);
  add<SetSurfacesIntent>(d);
  add<SetWindowIntent>(d);
  add<SetClipPlaneIntent>(d);
  add<SetSlicePlaneIntent>(d);
  add<AddAnnotationIntent>(d);
  add<AddMeasurementIntent>(d);
  add<GrantControlIntent>(d);
  add<RevokeControlIntent>(d);
  add<FollowIntent>(d);
  add<RefusedRpc>(d);
  add<NoticeRpc>(d);
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RpcDispatcher<Ctx> dispatcher = makeDispatcher();
  const std::span<const uint8_t> bytes(data, size);
  Ctx ctx;
  {
    BitReader in(bytes);  // as the server reads a client's Control message
    (void)dispatcher.dispatch(ctx, in, {RpcKind::Server});
  }
  {
    BitReader in(bytes);  // as a client reads the server's
    (void)dispatcher.dispatch(ctx, in, {RpcKind::Client, RpcKind::Multicast});
  }
  return 0;
}
