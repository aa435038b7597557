using System.Text;

namespace WuzhongCollector.Core.Parsing;

/// <summary>Department exports come as UTF-8 with or without BOM, or as GB18030/GBK from older Excel.</summary>
public static class TextEncodings
{
    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>ExcelDataReader needs code page 1252 even for .xlsx; this runs the registration once.</summary>
    public static void EnsureCodePages()
    {
    }

    /// <summary>
    /// Picks the encoding of <paramref name="stream"/> (which must be seekable). A byte order mark wins over any
    /// declared encoding, and the reader then skips it, so a UTF-8 file with a BOM declared <c>utf-8</c> keeps its
    /// first column's name. Otherwise the declared encoding; for <c>auto</c>, text that is valid strict UTF-8 in
    /// its first 64 KiB is UTF-8, else GB18030.
    /// </summary>
    public static Encoding Detect(Stream stream, string configured = "auto")
    {
        var start = stream.Position;
        var buffer = new byte[64 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (ByByteOrderMark(buffer.AsSpan(0, read)) is { } marked)
        {
            return marked;
        }

        switch (configured.ToLowerInvariant())
        {
            case "utf-8" or "utf8":
                return new UTF8Encoding(false);
            case "gb18030" or "gbk" or "gb2312":
                return Gb18030;
            case "auto":
                break;
            default:
                return Encoding.GetEncoding(configured);
        }

        // A multi-byte sequence may be cut at the end of the sample; ignore up to 3 trailing bytes.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var trim = 0; trim <= Math.Min(3, read); trim++)
        {
            try
            {
                strict.GetCharCount(buffer, 0, read - trim);
                return new UTF8Encoding(false);
            }
            catch (DecoderFallbackException) when (read == buffer.Length)
            {
            }
            catch (DecoderFallbackException)
            {
                break;
            }
        }

        return Gb18030;
    }

    /// <summary>
    /// The encoding a byte order mark declares (UTF-8, or UTF-16 as Excel's "Unicode text" export writes); each
    /// has the mark as its preamble, so a StreamReader skips it.
    /// </summary>
    private static Encoding? ByByteOrderMark(ReadOnlySpan<byte> start) => start switch
    {
        [0xEF, 0xBB, 0xBF, ..] => new UTF8Encoding(true),
        [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        _ => null,
    };
}
