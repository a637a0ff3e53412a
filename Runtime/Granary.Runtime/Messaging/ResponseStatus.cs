namespace Granary.Runtime.Messaging;

/// <summary>How a request ended.</summary>
internal enum ResponseStatus : byte
{
    /// <summary>The method returned; the body holds its result.</summary>
    Ok = 0,

    /// <summary>The method threw; the body holds the exception.</summary>
    Error = 1,

    /// <summary>The grain is not on this silo (or lost the directory race); re-route, optionally to <see cref="Message.ForwardTo"/>.</summary>
    NotHere = 2,

    /// <summary>The request could not run: silo stopping, deadline already passed, or no silo can host the grain.</summary>
    Unavailable = 3,
}
