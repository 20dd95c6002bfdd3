// Writes the seed corpora of the net and case-bundle fuzz targets:
//   fuzz_seeds OUTDIR   -> OUTDIR/<target>/<seed>
// Everything is made by the project's own encoders (tokens, handshake
// messages, sealed packets, asset messages, case bundles), so the seeds
// follow the formats as they are today. make_seeds.py writes the NIfTI and
// DICOM seeds. scripts/fuzz runs both when a corpus directory is missing.
#include <sodium.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "medverse/core/hash.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/net/channel.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/handshake.h"
#include "medverse/net/key.h"
#include "medverse/net/packet_crypto.h"
#include "medverse/world/components.h"
#include "medverse/world/intents.h"
#include "medverse/world/rpc.h"
#include "medverse/world/world.h"
#include "net/src/asset_messages.h"
#include "world/src/wire.h"

using namespace medverse;
using namespace medverse::net;
namespace fs = std::filesystem;

namespace {

fs::path g_out;

void seed(const std::string& target, const std::string& name, std::span<const uint8_t> bytes) {
  fuzz::writeFile(g_out / target / name, bytes);
}
void seed(const std::string& target, const std::string& name, const std::string& text) {
  seed(target, name, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}
std::vector<uint8_t> prefixed(uint8_t first, std::span<const uint8_t> rest) {
  std::vector<uint8_t> out{first};
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// Must match the keys in fuzz_handshake.cpp and fuzz_packet.cpp.
const Key kIssuer(Key::Bytes{9, 8, 7, 6,  5,  4,  3,  2,  1,  0,  1,  2,  3,  4,  5,  6,
                             7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22});

void handshakeSeeds() {
  const char* target = "fuzz_handshake";
  TokenRequest request{42, "Dr. Ada", Role::Doctor, "fuzz-room", 3600};
  auto token = issueToken(kIssuer, request, 1'700'000'000 - 10);
  if (!token) {
    std::abort();
  }
  const ExchangeKeyPair client = ExchangeKeyPair::generate();
  seed(target, "hello", prefixed(0, encodeHello(client.publicKey(), token->handshakeBlob())));
  std::vector<uint8_t> sealedIdentity(40, 0xAB);
  seed(target, "welcome", prefixed(1, encodeWelcome(client.publicKey(), sealedIdentity)));
  seed(target, "reject",
       prefixed(2, encodeReject({DisconnectCode::Kicked, "the room is full, try later"})));
  const std::string text = encodeTokenString(*token) + "\n";
  seed(target, "token-string",
       prefixed(3, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  // Mode 4: header length | header | private plaintext (the layout of
  // encodePrivate: id, role, name length, name padded to 64, two keys).
  const std::vector<uint8_t> blob = token->handshakeBlob();
  const size_t headerBytes = blob.size() - kSealedPrivateBytes;
  std::vector<uint8_t> mode4{4, static_cast<uint8_t>(headerBytes)};
  mode4.insert(mode4.end(), blob.begin(), blob.begin() + static_cast<ptrdiff_t>(headerBytes));
  std::vector<uint8_t> plain(kTokenPrivateBytes, 0);
  plain[0] = 42;
  plain[8] = static_cast<uint8_t>(Role::Trainee);
  const std::string name = "Trainee Bo";
  plain[9] = static_cast<uint8_t>(name.size());
  std::copy(name.begin(), name.end(), plain.begin() + 10);
  mode4.insert(mode4.end(), plain.begin(), plain.end());
  seed(target, "sealed-private", mode4);
  seed(target, "peer-key", prefixed(5, client.publicKey()));
}

std::vector<uint8_t> record(uint8_t mode, std::span<const uint8_t> bytes) {
  std::vector<uint8_t> out{mode, static_cast<uint8_t>(std::min<size_t>(bytes.size(), 255))};
  out.insert(out.end(), bytes.begin(), bytes.begin() + std::min<ptrdiff_t>(bytes.size(), 255));
  return out;
}

std::vector<std::vector<uint8_t>> assetMessages() {
  FileSetEntry file;
  file.path = "case.mvcase/manifest.json";
  file.size = 1234;
  file.hash = hashBytes(std::vector<uint8_t>{1, 2, 3});
  file.chunkHashes = {file.hash};
  net::assets::Offer offer;
  offer.set.files = {file};
  const Hash256 setId = offer.set.id();
  return {net::assets::encode(offer), net::assets::encode(net::assets::Request{setId, 0, 0, 1}),
          net::assets::encode(net::assets::Chunk{0, 0, {1, 2, 3, 4, 5, 6, 7, 8}}),
          net::assets::encode(net::assets::Unavailable{0, 3, "no such chunk"}),
          net::assets::encode(net::assets::Complete{setId})};
}

void packetSeeds() {
  const char* target = "fuzz_packet";
  const DisconnectReason bye{DisconnectCode::ClientLeft, "bye"};
  // Records that fuzz_packet seals itself: Goodbye, Welcome identity, assets.
  std::vector<uint8_t> all;
  auto add = [&](uint8_t type, std::span<const uint8_t> payload) {
    const auto r = record(1, prefixed(type, payload));
    all.insert(all.end(), r.begin(), r.end());
  };
  add(messageType(MessageKind::Goodbye, 0), encodeReason(bye));
  add(messageType(MessageKind::Welcome, 0),
      encodeIdentity(PeerIdentity{7, "Dr. Ada", Role::Expert, "fuzz-room"}));
  for (const auto& m : assetMessages()) {
    add(messageType(MessageKind::Data, static_cast<uint8_t>(Channel::Assets)), m);
  }
  seed(target, "sealed-records", all);
  // A raw packet as an attacker would send it (sealed with another key).
  PacketSealer other(PacketKey{}, 1);
  auto packet = other.seal(messageType(MessageKind::Data, 0), encodeReason(bye));
  seed(target, "raw-foreign", record(0, *packet));
  seed(target, "tampered",
       record(3, prefixed(messageType(MessageKind::Data, 2), encodeReason(bye))));
}

void assetSeeds() {
  int i = 0;
  for (const auto& m : assetMessages()) {
    seed("fuzz_asset_messages", "message-" + std::to_string(i++), m);
  }
}

void caseBundleSeeds() {
  imaging::CaseBundle bundle;
  bundle.provenance.sourceFormat = "nifti";
  bundle.provenance.seriesDescription = "fuzz seed";
  bundle.provenance.deidentified = true;
  bundle.volume =
      imaging::Volume::allocate({4, 3, 2}, imaging::VoxelType::Int16, imaging::Modality::CT);
  for (int k = 0; k < 2; ++k) {
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 4; ++i) {
        bundle.volume.setValue(i, j, k, (i + 4 * j + 12 * k) * 10 - 100);
      }
    }
  }
  bundle.volume.spacing = {0.5, 0.75, 2.0};
  auto labels =
      imaging::Volume::allocate({4, 3, 2}, imaging::VoxelType::UInt8, imaging::Modality::Label);
  labels.setValue(1, 1, 1, 3);
  bundle.labels = labels;
  bundle.windows = {{"ct-bone", 400, 1800}};
  imaging::CaseSurface surface;
  surface.name = "triangle";
  surface.label = 3;
  surface.mesh.vertices = {{{0, 0, 0}, {0, 0, 1}}, {{1, 0, 0}, {0, 0, 1}}, {{0, 1, 0}, {0, 0, 1}}};
  surface.mesh.indices = {0, 1, 2};
  medverse::assets::computeBounds(surface.mesh);
  bundle.surfaces = {surface};
  const fs::path dir = g_out / "case-bundle-tmp" / "seed.mvcase";
  std::error_code ignored;
  fs::remove_all(dir.parent_path(), ignored);
  fs::create_directories(dir.parent_path());
  if (Status s = imaging::writeCaseBundle(bundle, dir); !s) {
    std::cerr << "fuzz_seeds: " << s.error().message << "\n";
    std::exit(1);
  }
  std::vector<std::vector<uint8_t>> files;
  for (const char* name : {"manifest.json", "volume.bin", "labels.bin", "surfaces/0000.bin"}) {
    files.push_back(fuzz::readFile(dir / name));
  }
  // Flag 1: fix blob hashes, so mutated blobs reach the decoders.
  for (uint8_t flag : {0, 1}) {
    seed("fuzz_case_bundle", "bundle-" + std::to_string(flag),
         prefixed(flag, fuzz::joinFiles(files)));
  }
  seed("fuzz_case_bundle", "manifest-only", prefixed(0, files[0]));
  fs::remove_all(dir.parent_path(), ignored);
}

// Snapshot bodies in WorldServer's layout (header, gone ids, entries: net id,
// full flag, class, owner, presence bits, properties), for every consult
// class, then a delta that updates one property of each.
void worldSeeds() {
  using namespace medverse::world;
  registerConsultClasses();
  World world;
  std::vector<NetId> ids;
  for (ClassId cls : {classes::kPlayerState, classes::kAvatar, classes::kHologram,
                      classes::kAnnotation, classes::kMeasurement}) {
    ids.push_back(world.spawn(*findActorClass(cls), 7).netId());
  }
  auto body = [&](uint64_t sequence, bool full) {
    BitWriter w;
    wire::SnapshotHeader header;
    header.sequence = sequence;
    header.tick = 100 + sequence;
    writeAll(w, wire::SnapshotHeader::type(), &header);
    w.writeVarUint(full ? 0 : 1);  // gone: none, or one unknown id
    if (!full) {
      w.writeVarUint(999);
    }
    w.writeVarUint(ids.size());
    for (NetId id : ids) {
      Actor& actor = *world.find(id);
      w.writeVarUint(id);
      w.writeBool(full);
      if (full) {
        w.writeVarUint(actor.classId());
      }
      w.writeBool(true);
      w.writeVarUint(actor.owner());
      const auto& props = actor.actorClass().properties;
      for (size_t i = 0; i < props.size(); ++i) {
        w.writeBool(full || i == 0);
      }
      for (size_t i = 0; i < props.size(); ++i) {
        if (full || i == 0) {
          writeProperty(w, *props[i].desc, &actor.component(props[i].component));
        }
      }
    }
    return std::vector<uint8_t>(w.bytes().begin(), w.bytes().end());
  };
  seed("fuzz_world_snapshot", "full", body(1, true));
  seed("fuzz_world_snapshot", "full-then-delta", fuzz::joinFiles({body(1, true), body(2, false)}));

  auto rpc = [](const char* name, const auto& params, NetId target) {
    BitWriter w;
    writeRpc(w, target, params);
    seed("fuzz_world_rpc", name, std::vector<uint8_t>(w.bytes().begin(), w.bytes().end()));
  };
  rpc("grab", GrabIntent{}, 3);
  MoveIntent move;
  move.transform.position = {0.1F, 1.2F, -0.4F};
  rpc("move", move, 3);
  rpc("preset", SetPresetIntent{2}, 3);
  rpc("surfaces", SetSurfacesIntent{true}, 3);
  rpc("window", SetWindowIntent{40.0F, 400.0F}, 3);
  rpc("clip", SetClipPlaneIntent{1, {}}, 3);
  rpc("annotation", AddAnnotationIntent{{1.0F, 2.0F, 3.0F}, "lesion, 4 mm"}, 0);
  rpc("measurement", AddMeasurementIntent{{0, 0, 0}, {10, 0, 0}, "width"}, 0);
  rpc("grant", GrantControlIntent{42}, 0);
  rpc("refused", RefusedRpc{"grab", "someone else holds it"}, 0);
  rpc("notice", NoticeRpc{5, 4, 42, "Dr. Ada annotated"}, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seeds OUTDIR\n";
    return 2;
  }
  if (sodium_init() < 0) {
    return 1;
  }
  g_out = argv[1];
  handshakeSeeds();
  packetSeeds();
  assetSeeds();
  caseBundleSeeds();
  worldSeeds();
  return 0;
}
