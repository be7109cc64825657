using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Tessera.AspNetCore.Admin;

/// <summary>A piece of HTML that is safe to write as it is: made from literals, encoded values and other pieces.</summary>
internal readonly struct Html
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    public static Html Empty => default;

    /// <summary>Builds HTML from an interpolated string: the literal parts are kept, every value is HTML-encoded unless it is itself <see cref="Html"/>.</summary>
    public static Html Of(ref HtmlHandler handler) => new(handler.ToStringAndClear());

    /// <summary>Concatenates pieces.</summary>
    public static Html Join<T>(IEnumerable<T> items, Func<T, Html> render)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(render(item)._value);
        }
        return new(text.ToString());
    }

    /// <summary>Markup that is trusted as it is; only for constants of this assembly.</summary>
    public static Html Trusted(string markup) => new(markup);

    public override string ToString() => _value ?? string.Empty;
}

/// <summary>The interpolated string handler behind <see cref="Html.Of"/>.</summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly StringBuilder _text;

    public HtmlHandler(int literalLength, int formattedCount) => _text = new StringBuilder(literalLength + (formattedCount * 16));

    public readonly void AppendLiteral(string value) => _text.Append(value);

    public readonly void AppendFormatted(Html value) => _text.Append(value.ToString());

    public readonly void AppendFormatted(string? value) => _text.Append(HtmlEncoder.Default.Encode(value ?? string.Empty));

    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public readonly void AppendFormatted<T>(T value, string format)
        where T : IFormattable => AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    public readonly string ToStringAndClear() => _text.ToString();
}
