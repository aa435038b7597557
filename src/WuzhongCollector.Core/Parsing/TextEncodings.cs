using System.Text;

namespace WuzhongCollector.Core.Parsing;

/// <summary>Department exports come as UTF-8 with or without BOM, or as GB18030/GBK from older Excel.</summary>
public static class TextEncodings
{
    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>
    /// Picks the encoding of <paramref name="stream"/> (which must be seekable): a BOM wins; otherwise text
    /// that is valid strict UTF-8 in its first 64 KiB is UTF-8, else GB18030.
    /// </summary>
    public static Encoding Detect(Stream stream, string configured = "auto")
    {
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

        var start = stream.Position;
        var buffer = new byte[64 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
        {
            return new UTF8Encoding(true);
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
}
