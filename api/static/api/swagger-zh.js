/* Swagger UI's own labels in Chinese; the operations and fields are described in Chinese in the schema. */
(function () {
  const words = {
    "Try it out": "试一试", "Execute": "执行", "Cancel": "取消", "Clear": "清除",
    "Authorize": "授权", "Authorized": "已授权", "Logout": "退出", "Close": "关闭",
    "Parameters": "参数", "No parameters": "无参数", "Request body": "请求体",
    "Responses": "响应", "Response body": "响应内容", "Response headers": "响应头",
    "Description": "说明", "Code": "状态码", "Links": "链接", "No links": "无",
    "Schemas": "数据结构", "Example Value": "示例", "Schema": "结构", "Server response": "服务器响应",
    "Curl": "curl 命令", "Request URL": "请求地址", "Details": "详情", "Media type": "媒体类型",
    "Available authorizations": "可用的认证方式", "Value:": "值：", "required": "必填",
    "Send empty value": "发送空值", "Download": "下载", "Loading...": "加载中…",
    "Controls Accept header.": "决定 Accept 请求头。", "Filter by tag": "按分类筛选",
  };
  const names = ["BUTTON", "SPAN", "H4", "H3", "TD", "TH", "DIV", "LABEL", "H5", "A", "SMALL", "P"];
  function translate(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.nodeValue.trim();
      if (words[text] && node.parentElement && names.includes(node.parentElement.tagName)) {
        node.nodeValue = node.nodeValue.replace(text, words[text]);
      }
    }
  }
  new MutationObserver(() => translate(document.body)).observe(document.body, {
    childList: true, subtree: true,
  });
  translate(document.body);
})();
