package dev.taskq.admin.console;

import dev.taskq.admin.RealmLogin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * The console's login form and logout. The password is checked against the server's realm
 * ({@link RealmLogin}); an operator in {@code taskq-admin} gets a new session id (no fixation) holding the name.
 */
@Named("login")
@RequestScoped
public class LoginForm {

    static final String ROLE = "taskq-admin";

    private String user;
    private String password;

    public String signIn() {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        password = password == null ? "" : password;
        switch (RealmLogin.check(request, user, password, ROLE)) {
            case WRONG_CREDENTIALS -> {
                external.setResponseStatus(401);
                faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                        "Wrong user name or password.", null));
                return null;
            }
            case NOT_IN_ROLE -> {
                external.setResponseStatus(403);
                faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                        "This account may not use the operations console (it needs the role " + ROLE + ").", null));
                return null;
            }
            default -> {
                request.getSession(true);
                request.changeSessionId();
                request.getSession().setAttribute(ConsoleAccessFilter.OPERATOR, user);
                return "/admin/index.xhtml?faces-redirect=true";
            }
        }
    }

    public String signOut() {
        HttpSession session = ((HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext()
                .getRequest()).getSession(false);
        if (session != null) {
            session.invalidate();
        }
        return "/admin/login.xhtml?faces-redirect=true";
    }

    /** The signed-in operator's name, for the page header. */
    public String operator() {
        return ConsoleAccessFilter.operator(
                (HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext().getRequest());
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return "";
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
