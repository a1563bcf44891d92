using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Voting.Web;

/// <summary>
/// Who a rate limit counts: one IPv4 address, or one IPv6 /64. An ISP hands each subscriber at least
/// a /64 (often a /56 or /48), so counting full IPv6 addresses would give one attacker 2^64 buckets.
/// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 clients) is the
/// IPv4 address it carries.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The group's key: the IPv4 address in ::ffff:0:0/96 form, or the /64 with its host half zeroed.</summary>
    public static UInt128 Group(IPAddress? address)
    {
        if (address is null)
        {
            // No socket address (a test server, a Unix socket): everyone without one shares a bucket.
            return UInt128.Zero;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.MapToIPv6().TryWriteBytes(bytes, out _);
            return BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The group as people write it: <c>203.0.113.7</c> or <c>2001:db8:1:2::/64</c>.</summary>
    public static string Describe(IPAddress? address)
    {
        var group = Group(address);
        if (group == UInt128.Zero)
        {
            return "unknown";
        }
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, group);
        var v6 = new IPAddress(bytes);
        return v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4().ToString() : v6 + "/64";
    }
}
