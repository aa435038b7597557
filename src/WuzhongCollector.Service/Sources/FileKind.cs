using System.Runtime.InteropServices;
using System.Text;

namespace WuzhongCollector.Service.Sources;

/// <summary>
/// Whether a path is a regular file, asked before opening it. Opening a named pipe for reading blocks until a
/// writer appears (and a device or socket is no export either), so a FIFO in <c>sources/</c> or a drop folder would
/// hold a thread for good. .NET cannot tell: for a FIFO <see cref="FileSystemInfo.Attributes"/> is Normal and
/// <see cref="FileSystemInfo.UnixFileMode"/> has only the permission bits, so the kernel is asked (statx, whose
/// layout is the same on every Linux architecture).
/// </summary>
public static class FileKind
{
    private const int CurrentDirectory = -100; // AT_FDCWD: a relative path is taken from the working directory
    private const uint TypeAndMode = 0x1; // STATX_TYPE
    private const int ModeOffset = 28; // stx_mode in struct statx

    /// <summary>What the path is when it is not a regular file ("a named pipe", …); null for a regular file, links followed, or when the kernel cannot say (the open then reports it).</summary>
    public static string? NotARegularFile(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var status = new byte[256];
        try
        {
            if (Statx(CurrentDirectory, Encoding.UTF8.GetBytes(path + '\0'), 0, TypeAndMode, status) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without statx (glibc before 2.28): files are opened as before.
            return null;
        }

        return (BitConverter.ToUInt16(status, ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "a named pipe",
            0xC000 => "a socket",
            0x2000 or 0x6000 => "a device",
            0x4000 => "a folder",
            _ => "a special file",
        };
    }

    // DllImport rather than LibraryImport, which would need unsafe code allowed in the whole project; the path goes
    // as NUL-terminated UTF-8 bytes, as the kernel takes it.
    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, [Out] byte[] status);
}
