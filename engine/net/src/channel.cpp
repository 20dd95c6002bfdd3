#include "medverse/net/channel.h"

namespace medverse::net {

std::string_view channelName(Channel channel) {
  switch (channel) {
    case Channel::Control:
      return "control";
    case Channel::Snapshots:
      return "snapshots";
    case Channel::Input:
      return "input";
    case Channel::Assets:
      return "assets";
  }
  return "unknown";
}

}  // namespace medverse::net
