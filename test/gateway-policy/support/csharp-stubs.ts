// C# stand-ins for APIM's policy-expression surface (`context` and helpers), written from the
// api-management-policy-expressions reference. Interfaces for compile checks, small classes for runs.
export const CSHARP_STUBS = String.raw`
using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

// The Newtonsoft.Json surface policy expressions use (APIM allows JObject, JProperty, JToken, JValue
// and Formatting), with the real signatures: constructors, the string indexer, implicit conversions.
namespace Newtonsoft.Json {
  public enum Formatting { None, Indented }
  public abstract class JsonConverter { }
}
namespace Newtonsoft.Json.Linq {
  public enum JTokenType { None, Object, Array, Constructor, Property, Comment, Integer, Float, String, Boolean, Null, Undefined, Date, Raw, Bytes, Guid, Uri, TimeSpan }
  public abstract class JToken {
    public JTokenType Type { get { return JTokenType.None; } }
    public override string ToString() { return ""; }
    public string ToString(Newtonsoft.Json.Formatting formatting, params Newtonsoft.Json.JsonConverter[] converters) { return ""; }
    public static implicit operator JToken(string value) { return new JValue(value); }
    public static implicit operator JToken(long value) { return new JValue(value); }
    public static implicit operator JToken(int value) { return new JValue(value); }
    public static implicit operator JToken(bool value) { return new JValue(value); }
  }
  public class JValue : JToken { public JValue(object value) { } }
  public abstract class JContainer : JToken { }
  public class JProperty : JContainer { public JProperty(string name, object content) { } }
  public class JObject : JContainer {
    public JObject() { }
    public JObject(JObject other) { }
    public JObject(params object[] content) { }
    public JToken this[string propertyName] { get { return null; } set { } }
  }
}

namespace Apim {
  public interface IUrl { string Host { get; } string Path { get; } int Port { get; } IReadOnlyDictionary<string, string[]> Query { get; } string QueryString { get; } string Scheme { get; } }
  public interface IMessageBody { T As<T>(bool preserveContent = false); }
  public interface IRequest {
    IMessageBody Body { get; } IReadOnlyDictionary<string, string[]> Headers { get; } string IpAddress { get; }
    IReadOnlyDictionary<string, string> MatchedParameters { get; } string Method { get; } IUrl OriginalUrl { get; } IUrl Url { get; }
  }
  public interface IResponse { IMessageBody Body { get; } IReadOnlyDictionary<string, string[]> Headers { get; } int StatusCode { get; } string StatusReason { get; } }
  public interface ISubscription { DateTime CreatedDate { get; } DateTime? EndDate { get; } string Id { get; } string Key { get; } string Name { get; } string PrimaryKey { get; } string SecondaryKey { get; } DateTime? StartDate { get; } }
  public interface IGroup { string Id { get; } string Name { get; } }
  public interface IUser { string Email { get; } string FirstName { get; } string LastName { get; } IEnumerable<IGroup> Groups { get; } string Id { get; } string Note { get; } DateTime RegistrationDate { get; } }
  public interface IDeployment { string Region { get; } string ServiceName { get; } string GatewayId { get; } }
  public interface ILastError { string Source { get; } string Reason { get; } string Message { get; } string Scope { get; } string Section { get; } string Path { get; } string PolicyId { get; } }
  public interface IApi { string Id { get; } string Name { get; } string Path { get; } string Version { get; } string Revision { get; } }
  public interface IOperation { string Id { get; } string Method { get; } string Name { get; } string UrlTemplate { get; } }
  public interface IProduct { string Id { get; } string Name { get; } }
  public interface IContext {
    IApi Api { get; } IDeployment Deployment { get; } TimeSpan Elapsed { get; } ILastError LastError { get; } IOperation Operation { get; }
    IProduct Product { get; } IRequest Request { get; } Guid RequestId { get; } IResponse Response { get; } ISubscription Subscription { get; }
    DateTime Timestamp { get; } bool Tracing { get; } IUser User { get; } IReadOnlyDictionary<string, object> Variables { get; }
    void Trace(string message);
  }
  public class Jwt { public IReadOnlyDictionary<string, string[]> Claims { get; set; } public string Subject { get; set; } }

  public static class PolicyExtensions {
    // Headers, query and claims: multiple values are comma-joined, as APIM documents.
    public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> d, string name, string defaultValue) {
      string[] v; return d != null && d.TryGetValue(name, out v) ? string.Join(",", v) : defaultValue;
    }
    public static string GetValueOrDefault(this IReadOnlyDictionary<string, string> d, string name, string defaultValue) {
      string v; return d != null && d.TryGetValue(name, out v) ? v : defaultValue;
    }
    // APIM throws when the stored type differs from T; a plain cast reproduces that.
    public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> d, string name, T defaultValue) {
      object v; return d.TryGetValue(name, out v) ? (T)v : defaultValue;
    }
    public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> d, string name) {
      object v; return d.TryGetValue(name, out v) ? (T)v : default(T);
    }
    public static Jwt AsJwt(this string token) { return null; }
  }

  public class Url : IUrl {
    public string Host { get; set; } public string Path { get; set; } public int Port { get; set; } public string QueryString { get; set; } public string Scheme { get; set; }
    public IReadOnlyDictionary<string, string[]> Query { get; set; }
  }
  public class Request : IRequest {
    public IMessageBody Body { get; set; } public IReadOnlyDictionary<string, string[]> Headers { get; set; } public string IpAddress { get; set; }
    public IReadOnlyDictionary<string, string> MatchedParameters { get; set; } public string Method { get; set; } public IUrl OriginalUrl { get; set; } public IUrl Url { get; set; }
  }
  public class Subscription : ISubscription {
    public DateTime CreatedDate { get; set; } public DateTime? EndDate { get; set; } public string Id { get; set; } public string Key { get; set; } public string Name { get; set; }
    public string PrimaryKey { get; set; } public string SecondaryKey { get; set; } public DateTime? StartDate { get; set; }
  }
  public class Context : IContext {
    public IApi Api { get; set; } public IDeployment Deployment { get; set; } public TimeSpan Elapsed { get; set; } public ILastError LastError { get; set; }
    public IOperation Operation { get; set; } public IProduct Product { get; set; } public IRequest Request { get; set; } public Guid RequestId { get; set; }
    public IResponse Response { get; set; } public ISubscription Subscription { get; set; } public DateTime Timestamp { get; set; } public bool Tracing { get; set; }
    public IUser User { get; set; } public Dictionary<string, object> VariableStore = new Dictionary<string, object>();
    public IReadOnlyDictionary<string, object> Variables { get { return VariableStore; } }
    public void Trace(string message) { }
  }
}
`;
